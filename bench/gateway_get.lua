-- wrk script: GET /v1/items/{id} on the JSON gateway for random items of
-- those `pochta_load --prepare N` made (serials 10,000,000 to
-- 10,000,000 + N - 1, country CN), with an API key, as pochta_load's get
-- mode asks gRPC GetItem. Usage:
--   wrk -t1 -c32 -d8s -s bench/gateway_get.lua http://HOST:PORT -- KEY ITEMS
-- wrk counts any answer but 2xx or 3xx as "Non-2xx or 3xx responses".
local weights = {8, 6, 4, 2, 3, 5, 9, 7}
local key, items

function init(args)
  key = args[1]
  items = tonumber(args[2])
  math.randomseed(os.time())
end

-- The UPU S10 identifier of serial `n`: its check digit by the S10 weights.
local function s10(n)
  local digits = string.format("%08d", n)
  local sum = 0
  for i = 1, 8 do sum = sum + weights[i] * tonumber(digits:sub(i, i)) end
  local check = 11 - sum % 11
  if check == 10 then check = 0 elseif check == 11 then check = 5 end
  return "LP" .. digits .. check .. "CN"
end

function request()
  local path = "/v1/items/" .. s10(10000000 + math.random(0, items - 1))
  return wrk.format("GET", path, {["x-api-key"] = key})
end

