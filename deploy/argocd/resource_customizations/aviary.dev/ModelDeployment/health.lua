-- Health of an aviary ModelDeployment, read from its kstatus conditions (Ready, Reconciling, Stalled).
-- Runs without Lua's string and math libraries, as Argo CD runs resource customizations from argocd-cm.
--   not yet observed (status or a condition older than metadata.generation) -> Progressing
--   Stalled=True (rolled back, aborted, invalid spec, a hold past the deadline) -> Degraded, naming the
--     gates that failed or had no data
--   Reconciling=True for a pause that waits for a person (AwaitingPromotion, Paused) -> Suspended
--   Reconciling=True otherwise -> Progressing
--   Ready=True -> Healthy; with DriftDetected=True (the live model's inputs have drifted, see
--     spec.monitoring.drift) the message says so: the model still serves, it is due for retraining
local hs = {}

local function condition(conditions, type)
  for _, c in ipairs(conditions) do
    if c.type == type then
      return c
    end
  end
  return nil
end

-- "errorRate=12.5 (max 5)" for each gate whose latest result is one of `results`.
local function gates(status, spec, results)
  local limits = {}
  if spec ~= nil and spec.analysis ~= nil and spec.analysis.metrics ~= nil then
    for _, m in ipairs(spec.analysis.metrics) do
      limits[m.name] = m
    end
  end
  local text = ""
  for _, r in ipairs(status.analysis or {}) do
    if results[r.result] then
      local item = r.name
      if r.value ~= nil then
        item = item .. "=" .. tostring(r.value)
      else
        item = item .. " " .. r.result
      end
      local limit = limits[r.name]
      if limit ~= nil and limit.max ~= nil then
        item = item .. " (max " .. tostring(limit.max) .. ")"
      elseif limit ~= nil and limit.min ~= nil then
        item = item .. " (min " .. tostring(limit.min) .. ")"
      end
      if r.value == nil and r.message ~= nil and r.message ~= "" then
        item = item .. ": " .. r.message
      end
      if text ~= "" then
        text = text .. "; "
      end
      text = text .. item
    end
  end
  return text
end

local status = obj.status
local generation = obj.metadata.generation or 0
if status == nil or status.observedGeneration == nil or status.observedGeneration < generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the aviary controller to observe generation " .. tostring(generation)
  return hs
end

local conditions = status.conditions or {}
local ready = condition(conditions, "Ready")
local stalled = condition(conditions, "Stalled")
local reconciling = condition(conditions, "Reconciling")
if ready == nil or (ready.observedGeneration or 0) < generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the aviary controller to report on generation " .. tostring(generation)
  return hs
end

if stalled ~= nil and stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = stalled.reason .. ": " .. (stalled.message or "")
  local failing = gates(status, obj.spec, { Fail = true, NoData = true, Error = true })
  if failing ~= "" then
    hs.message = hs.message .. " [" .. failing .. "]"
  end
  return hs
end

if reconciling ~= nil and reconciling.status == "True" then
  if reconciling.reason == "AwaitingPromotion" or reconciling.reason == "Paused" then
    hs.status = "Suspended"
  else
    hs.status = "Progressing"
  end
  hs.message = reconciling.message or status.message or ""
  local held = gates(status, obj.spec, { Fail = true, NoData = true, Error = true })
  if held ~= "" then
    hs.message = hs.message .. " [" .. held .. "]"
  end
  return hs
end

if ready.status == "True" then
  hs.status = "Healthy"
  hs.message = ready.message or ""
  local drift = condition(conditions, "DriftDetected")
  if drift ~= nil and drift.status == "True" then
    hs.message = hs.message .. " [DriftDetected: " .. (drift.message or "") .. "]"
  end
  return hs
end

-- Neither in progress nor stalled, yet not ready: a Failed rollout written before Stalled existed, or a
-- stable that lost pods without a rollout running.
if status.phase == "Failed" then
  hs.status = "Degraded"
else
  hs.status = "Progressing"
end
hs.message = ready.message or status.message or ""
return hs
