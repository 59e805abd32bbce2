-- :ArtFactoryGenerate [prompt]   (or on a visual selection)   :ArtFactorySearch {query}
if vim.g.loaded_artfactory then return end
vim.g.loaded_artfactory = true

vim.api.nvim_create_user_command("ArtFactoryGenerate", function(opts)
  require("artfactory")._command_generate(opts)
end, { nargs = "*", range = true, desc = "Generate images with ArtFactory and insert Markdown links" })

vim.api.nvim_create_user_command("ArtFactorySearch", function(opts)
  require("artfactory").search(opts.args)
end, { nargs = "+", desc = "Search the ArtFactory gallery into the quickfix list" })
