-- wrk script: POST the file named by BODY (environment) as JSON, or, when JSON_LENGTH is set, as
-- a body in Triton's binary tensor extension whose first JSON_LENGTH bytes are the JSON.
local f = assert(io.open(os.getenv("BODY"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
local json_length = os.getenv("JSON_LENGTH")
if json_length and json_length ~= "" then
  wrk.headers["Content-Type"] = "application/octet-stream"
  wrk.headers["Inference-Header-Content-Length"] = json_length
else
  wrk.headers["Content-Type"] = "application/json"
end
