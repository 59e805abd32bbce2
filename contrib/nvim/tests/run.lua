-- Headless end-to-end test of the plugin against a real daemon (started by tests/run.sh).
-- Exits 0 when every check passes, 1 otherwise, printing one line per check.
local af = require("artfactory")
local failures, passed = 0, 0
local function check(ok, what)
  if ok then passed = passed + 1; print("ok   " .. what) else failures = failures + 1; print("FAIL " .. what) end
end

check(vim.fn.exists(":ArtFactoryGenerate") == 2, "ArtFactoryGenerate command exists")
check(vim.fn.exists(":ArtFactorySearch") == 2, "ArtFactorySearch command exists")

-- Which methods does this daemon have?
local methods = {}
local client = require("artfactory.rpc").connect(require("artfactory.rpc").default_socket(), function(err)
  check(err == nil, "connects to the daemon socket")
end)
local discovered = false
vim.wait(5000, function() return not client.closed and client.pipe:is_active() ~= nil end, 20)
client:call("rpc.discover", nil, function(err, doc)
  if not err then for _, m in ipairs(doc.methods) do methods[m.name] = true end end
  discovered = true
end)
check(vim.wait(10000, function() return discovered end, 20), "rpc.discover answered")
client:close()

if methods["generate"] and methods["gallery.search"] then
  af.setup({ model = "sd1-tiny", count = 1, extra = { steps = 3, width = 64, height = 64, seed = 11 } })
  vim.api.nvim_buf_set_lines(0, 0, -1, false, { "# notes" })
  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  local job
  vim.cmd("ArtFactoryGenerate a blue square on white")
  -- The command is asynchronous: drive it through the module to get the final job back.
  af.generate("a yellow star top left", function(j) job = j end)
  check(vim.wait(120000, function() return job ~= nil end, 50), "generation finished")
  check(job and job.status == "succeeded", "generation succeeded")
  local lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  local links = 0
  for _, l in ipairs(lines) do if l:match("^!%[.*%]%(.*%.png%)$") then links = links + 1 end end
  vim.wait(60000, function()
    lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
    links = 0
    for _, l in ipairs(lines) do if l:match("^!%[.*%]%(.*%.png%)$") then links = links + 1 end end
    return links >= 2
  end, 50)
  check(links >= 2, "Markdown image links inserted (" .. links .. ")")
  local items
  af.search("star", function(i) items = i end)
  check(vim.wait(10000, function() return items ~= nil end, 20), "search answered")
  check(items and #items >= 1 and vim.fn.filereadable(items[1].filename) == 1, "search results in quickfix point at files")
  check(#vim.fn.getqflist() == #items, "quickfix list filled")
else
  print("skip generation and search: this daemon has no generate/gallery.search")
  local items
  af.search("anything", function(i) items = i end)
  vim.wait(3000, function() return items ~= nil end, 20)
end

print(string.format("%d passed, %d failed", passed, failures))
vim.cmd(failures == 0 and "qall!" or "cquit!")
