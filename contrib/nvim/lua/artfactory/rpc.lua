-- JSON-RPC 2.0 over the ArtFactory daemon's Unix socket, on Neovim's own libuv binding (vim.loop).
-- One connection per client; replies are matched by id; notifications go to `on_notification`.
local M = {}

local uv = vim.loop

--- The daemon's default socket: $ARTFACTORY_HOME/artfactoryd.sock, else the XDG rules.
function M.default_socket()
  local home = os.getenv("ARTFACTORY_HOME")
  if home and home ~= "" then return home .. "/artfactoryd.sock" end
  local runtime = os.getenv("XDG_RUNTIME_DIR")
  if runtime and runtime:sub(1, 1) == "/" then return runtime .. "/artfactory/artfactoryd.sock" end
  local data = os.getenv("XDG_DATA_HOME")
  if not (data and data:sub(1, 1) == "/") then data = (os.getenv("HOME") or "/tmp") .. "/.local/share" end
  return data .. "/artfactory/artfactoryd.sock"
end

local Client = {}
Client.__index = Client

--- Connects; `on_ready(err)` runs once the socket is connected (or failed).
function M.connect(path, on_ready)
  local self = setmetatable({ pipe = uv.new_pipe(false), next_id = 1, pending = {}, buffer = "",
                              on_notification = nil, closed = false }, Client)
  self.pipe:connect(path, function(err)
    if err then
      self.closed = true
      vim.schedule(function() on_ready("cannot reach the ArtFactory daemon at " .. path .. " (" .. err .. "); run: artfactory daemon start") end)
      return
    end
    self.pipe:read_start(function(read_err, chunk) self:_on_read(read_err, chunk) end)
    vim.schedule(function() on_ready(nil) end)
  end)
  return self
end

function Client:_on_read(err, chunk)
  if err or not chunk then
    self.closed = true
    for id, cb in pairs(self.pending) do
      self.pending[id] = nil
      vim.schedule(function() cb({ message = "the daemon closed the connection" }, nil) end)
    end
    return
  end
  self.buffer = self.buffer .. chunk
  while true do
    local nl = self.buffer:find("\n", 1, true)
    if not nl then break end
    local line = self.buffer:sub(1, nl - 1)
    self.buffer = self.buffer:sub(nl + 1)
    vim.schedule(function() self:_on_message(line) end)
  end
end

function Client:_on_message(line)
  local ok, msg = pcall(vim.fn.json_decode, line)
  if not ok or type(msg) ~= "table" then return end
  if msg.method and msg.id == nil then
    if self.on_notification then self.on_notification(msg.method, msg.params) end
    return
  end
  local cb = self.pending[msg.id]
  if not cb then return end
  self.pending[msg.id] = nil
  if msg.error then cb(msg.error, nil) else cb(nil, msg.result) end
end

--- Calls `method`; `cb(err, result)` runs on the main loop (err is the JSON-RPC error object).
function Client:call(method, params, cb)
  if self.closed then return cb({ message = "not connected to the daemon" }, nil) end
  local id = self.next_id
  self.next_id = id + 1
  self.pending[id] = cb
  local msg = { jsonrpc = "2.0", id = id, method = method }
  if params ~= nil then msg.params = params end
  self.pipe:write(vim.fn.json_encode(msg) .. "\n")
end

function Client:close()
  self.closed = true
  if not self.pipe:is_closing() then self.pipe:close() end
end

return M
