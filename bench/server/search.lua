-- wrk: GET /api/v1/incidents?q=WORD[&substance=S|&country=C], first page of 20.
local auth = "Bearer " .. os.getenv("IDT_TOKEN")
local words = {"parcel", "container", "vendor", "courier", "powder", "tablets", "airport",
	"port", "darknet", "telegram", "shipment", "customs", "laboratory", "precursor", "market"}
local subst = {"fentanyl", "heroin", "cocaine", "mdma", "ketamine", "tramadol"}
local cty = {"CN", "IN", "NL", "DE", "GB", "MX"}
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
request = function()
	local q = "/api/v1/incidents?q=" .. words[math.random(#words)]
	local r = math.random(3)
	if r == 1 then q = q .. "&substance=" .. subst[math.random(#subst)]
	elseif r == 2 then q = q .. "&country=" .. cty[math.random(#cty)] end
	return wrk.format("GET", q, {["Authorization"] = auth})
end
