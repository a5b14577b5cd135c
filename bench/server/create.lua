-- wrk: POST /api/v1/incidents with a phone number drawn from the loaded observables (so that
-- it correlates), a substance on a route and a date in the loaded range.
local auth = "Bearer " .. os.getenv("IDT_TOKEN")
local distinct = tonumber(os.getenv("IDT_DISTINCT") or "2000000")
local subst = {"fentanyl", "heroin", "cocaine", "methamphetamine", "mdma", "cannabis",
	"ketamine", "tramadol", "carfentanil", "mephedrone", "alprazolam", "oxycodone"}
local cty = {"CN", "IN", "NL", "DE", "GB", "US", "MX", "CO", "EC", "ES", "BE", "TR", "IR",
	"AF", "PK", "TH", "MM", "LA", "CA", "AU"}
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
request = function()
	local v = math.random(0, distinct - 1)
	v = v - v % 3
	local body = string.format('{"type":"seizure","title":"bench %d","status":"confirmed",' ..
		'"distribution":"all","occurred_on":"%d-%02d-%02d","origin":["%s"],' ..
		'"destination":["%s"],"substances":[{"id":"%s","quantity":5,"unit":"g"}],' ..
		'"observables":[{"type":"phone","value":"+4477%08d"}]}',
		v, math.random(2024, 2026), math.random(1, 12), math.random(1, 28),
		cty[math.random(#cty)], cty[math.random(#cty)], subst[math.random(#subst)], v)
	return wrk.format("POST", "/api/v1/incidents", {["Authorization"] = auth,
		["Content-Type"] = "application/json"}, body)
end
