-- Asks aviary to roll the failed revision out again from step 0.
-- Only status.requests changes: Argo CD sends the change to the status subresource, and the controller
-- clears the request once it has acted on it.
if obj.status == nil then
  obj.status = {}
end
if obj.status.requests == nil then
  obj.status.requests = {}
end
obj.status.requests.retry = true
return obj
