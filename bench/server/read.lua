-- wrk: GET /api/v1/incidents/{id} for random visible ids (ids with id % 3 == 2 belong to an
-- organisation that keeps them to itself and would answer 404).
local n = tonumber(os.getenv("IDT_N") or "1000000")
local auth = "Bearer " .. os.getenv("IDT_TOKEN")
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
request = function()
	local id = math.random(1, n)
	if id % 3 == 2 then id = id - 1 end
	if id < 1 then id = 1 end
	return wrk.format("GET", "/api/v1/incidents/" .. id, {["Authorization"] = auth})
end
