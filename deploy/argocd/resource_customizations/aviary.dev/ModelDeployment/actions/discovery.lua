-- Which manual steps apply to this ModelDeployment now (README "Manual control"). Each action only asks:
-- it writes status.requests, which the aviary controller carries out and clears. Runs without Lua's
-- string and math libraries, as Argo CD runs actions.
local actions = {}
local status = obj.status or {}
local phase = status.phase or "Initializing"
local requests = status.requests or {}
local running = phase == "Progressing" or phase == "Paused"
local paused = status.pausedByUser == true or requests.paused == true

actions["promote"] = { ["disabled"] = not running, ["displayName"] = "Promote (finish the current step)" }
actions["promote-full"] = { ["disabled"] = not running, ["displayName"] = "Promote fully (skip every step)" }
actions["abort"] = { ["disabled"] = not (running or phase == "Promoting"), ["displayName"] = "Abort (roll back)" }
actions["retry"] = { ["disabled"] = phase ~= "Failed", ["displayName"] = "Retry the failed revision" }
actions["pause"] = { ["disabled"] = not running or paused, ["displayName"] = "Pause" }
actions["resume"] = { ["disabled"] = not running or not paused, ["displayName"] = "Resume" }
return actions
