-- Asks aviary to promote the canary now, skipping the remaining steps and gates.
-- Only status.requests changes: Argo CD sends the change to the status subresource, and the controller
-- clears the request once it has acted on it.
if obj.status == nil then
  obj.status = {}
end
if obj.status.requests == nil then
  obj.status.requests = {}
end
obj.status.requests.promote = "full"
return obj
