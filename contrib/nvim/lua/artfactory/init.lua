-- ArtFactory for Neovim: generate images from a prompt (argument or visual selection) and insert a
-- Markdown link to the result; search the gallery into the quickfix list. Talks to artfactoryd
-- over its Unix socket (see contrib/nvim/README.md).
local rpc = require("artfactory.rpc")

local M = { config = { socket = nil, count = 1, model = nil, extra = {} }, status = "" }

function M.setup(opts)
  M.config = vim.tbl_extend("force", M.config, opts or {})
end

--- Text for the status line: `%{v:lua.require'artfactory'.statusline()}`.
function M.statusline()
  return M.status
end

local function set_status(text)
  M.status = text
  vim.cmd("redrawstatus")
end

local function notify(msg, level)
  vim.notify("ArtFactory: " .. msg, level or vim.log.levels.INFO)
end

local function with_client(fn)
  local client
  client = rpc.connect(M.config.socket or rpc.default_socket(), function(err)
    if err then return notify(err, vim.log.levels.ERROR) end
    fn(client)
  end)
end

local function visual_selection()
  local s, e = vim.fn.getpos("'<"), vim.fn.getpos("'>")
  local lines = vim.api.nvim_buf_get_text(0, s[2] - 1, s[3] - 1, e[2] - 1, math.min(e[3], #vim.fn.getline(e[2])), {})
  return table.concat(lines, " ")
end

--- Generates from `prompt`; inserts `![prompt](path)` below the cursor line of the buffer it
--- started from when done. `done(job)` is called with the final job (for tests and scripts).
function M.generate(prompt, done)
  if not prompt or prompt:match("^%s*$") then return notify("give a prompt or select text", vim.log.levels.WARN) end
  local buf, row = vim.api.nvim_get_current_buf(), vim.api.nvim_win_get_cursor(0)[1]
  with_client(function(client)
    local job_id
    local function finish(job)
      set_status("")
      client:close()
      if job.status ~= "succeeded" then
        notify("generation " .. job.status .. ": " .. (job.error or "no reason given"), vim.log.levels.ERROR)
      else
        local links = {}
        for _, image in ipairs(job.images or {}) do
          table.insert(links, "![" .. prompt:gsub("[%[%]]", "") .. "](" .. image.path .. ")")
        end
        vim.api.nvim_buf_set_lines(buf, row, row, false, links)
        notify(#links .. " image(s) inserted")
      end
      if done then done(job) end
    end
    local function poll()
      client:call("job.get", { id = job_id }, function(err, job)
        if err then return notify(err.message, vim.log.levels.ERROR) end
        if job.status == "succeeded" or job.status == "failed" or job.status == "canceled" then finish(job) end
      end)
    end
    client.on_notification = function(method, params)
      if not job_id or params.id ~= job_id then return end
      if method == "job.progress" and params.progress then
        local p = params.progress
        set_status(string.format("ArtFactory %d/%d img %d/%d", p.step or 0, p.totalSteps or 0, p.image or 0, p.images or 0))
      elseif method == "job.state" then
        poll()
      end
    end
    client:call("events.subscribe", { topics = { "job" } }, function()
      local params = vim.tbl_extend("force", { prompt = prompt, count = M.config.count, model = M.config.model }, M.config.extra)
      client:call("generate", params, function(err, queued)
        if err then
          client:close()
          return notify(err.message, vim.log.levels.ERROR)
        end
        job_id = queued.jobId
        set_status("ArtFactory queued")
        poll() -- in case it already finished
      end)
    end)
  end)
end

--- Searches the gallery; results go to the quickfix list (file = image path, text = prompt).
function M.search(query, done)
  with_client(function(client)
    client:call("gallery.search", { query = query, limit = 50 }, function(err, result)
      client:close()
      if err then return notify(err.message, vim.log.levels.ERROR) end
      local items = {}
      for _, hit in ipairs(result.hits or {}) do
        local image = hit.image or {}
        table.insert(items, { filename = image.path, lnum = 1, text = image.prompt or image.id })
      end
      vim.fn.setqflist({}, " ", { title = "ArtFactory: " .. query, items = items })
      if #items > 0 then vim.cmd("copen") end
      notify(#items .. " result(s)")
      if done then done(items) end
    end)
  end)
end

function M._command_generate(opts)
  local prompt = opts.args
  if (prompt == nil or prompt == "") and opts.range > 0 then prompt = visual_selection() end
  M.generate(prompt)
end

return M
