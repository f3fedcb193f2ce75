-- Asks aviary to finish the current step now (an indefinite pause included).
-- Only status.requests changes: Argo CD sends the change to the status subresource, and the controller
-- clears the request once it has acted on it.
if obj.status == nil then
  obj.status = {}
end
if obj.status.requests == nil then
  obj.status.requests = {}
end
obj.status.requests.promote = "step"
return obj
