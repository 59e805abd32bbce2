import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation

/// The full-screen gallery behind `artfactory browse`: a list of images with the selected one's
/// details (and thumbnail on kitty/iTerm2 terminals), keyboard actions that go to the daemon as
/// ordinary RPC calls, and live updates from its `gallery` events.
///
/// Single-threaded: the loop waits up to 250 ms for a key, then drains the events connection, then
/// redraws when something changed (or the terminal was resized).
final class Browser {
    enum Mode: Equatable {
        case list
        /// Typing a search; the text so far.
        case searchInput(String)
        /// Asking before a delete of this image id.
        case confirmDelete(String)
        /// The details and lineage page of the selected image.
        case details
        case help
    }

    private let client: RPCClient
    private let events: RPCClient?
    private let screen: TerminalScreen
    private let filter: GalleryFilter?
    private let graphics: InlineImage.Kind?

    private var mode: Mode = .list
    private var query: String?
    private var items: [GalleryImage] = []
    private var snippets: [String: String] = [:]
    private var nextCursor: String?
    private var selected = 0
    private var top = 0
    private var status = ""
    private var details: GalleryGet.Result?
    private var dirty = true
    private var lastSize = (columns: 0, rows: 0)
    private var running = true

    init(client: RPCClient, events: RPCClient?, screen: TerminalScreen, filter: GalleryFilter?, query: String?,
         environment: [String: String]) {
        self.client = client
        self.events = events
        self.screen = screen
        self.filter = filter
        self.query = query
        self.graphics = InlineImage.detect(environment)
    }

    /// Runs until the user quits (q, Ctrl-C).
    func run() {
        reload(keep: nil)
        while running {
            let size = screen.size
            if size != lastSize { lastSize = size; dirty = true }
            if dirty { draw(); dirty = false }
            if let key = screen.readKey(timeout: 0.25) { handle(key); dirty = true }
            drainEvents()
        }
    }

    // MARK: Data

    private var selectedImage: GalleryImage? { items.indices.contains(selected) ? items[selected] : nil }

    /// Loads the first page again (list or search), keeping `keep` selected when it is still there.
    private func reload(keep id: String?) {
        do {
            if let query {
                let page = try client.call(GallerySearch.self, .init(query: query, filter: filter, limit: 200))
                items = page.hits.map(\.image)
                snippets = Dictionary(page.hits.compactMap { h in h.snippet.map { (h.image.id, $0) } }, uniquingKeysWith: { a, _ in a })
                nextCursor = page.nextCursor
            } else {
                let page = try client.call(GalleryList.self, .init(filter: filter, limit: 200))
                items = page.items
                snippets = [:]
                nextCursor = page.nextCursor
            }
        } catch {
            status = "error: \(Browser.message(error))"
            items = []
        }
        if let id, let i = items.firstIndex(where: { $0.id == id }) { selected = i }
        selected = min(max(0, selected), max(0, items.count - 1))
    }

    private func loadMore() {
        guard let cursor = nextCursor else { return }
        do {
            if let query {
                let page = try client.call(GallerySearch.self, .init(query: query, filter: filter, cursor: cursor, limit: 200))
                items += page.hits.map(\.image)
                for h in page.hits { if let s = h.snippet { snippets[h.image.id] = s } }
                nextCursor = page.nextCursor
            } else {
                let page = try client.call(GalleryList.self, .init(filter: filter, cursor: cursor, limit: 200))
                items += page.items
                nextCursor = page.nextCursor
            }
        } catch {
            status = "error: \(Browser.message(error))"
        }
    }

    private func drainEvents() {
        guard let events else { return }
        var changed = false
        while let n = try? events.waitForNotification(timeout: 0) {
            if ["gallery.added", "gallery.removed", "gallery.changed"].contains(n.method) { changed = true }
            if n.method == "gallery.added" { status = "new images arrived" }
        }
        if changed {
            reload(keep: selectedImage?.id)
            dirty = true
        }
    }

    // MARK: Keys

    private func handle(_ key: Key) {
        switch mode {
        case .searchInput(let text): handleSearchInput(key, text)
        case .confirmDelete(let id):
            mode = .list
            if key == .char("y") || key == .char("Y") { delete(id) } else { status = "delete canceled" }
        case .details, .help:
            switch key {
            case .escape, .enter, .backspace, .char("q"), .left, .char("h"): mode = .list
            case .control(3): running = false
            default: break
            }
        case .list: handleListKey(key)
        }
    }

    private func handleListKey(_ key: Key) {
        let page = max(1, listRows)
        switch key {
        case .char("q"), .control(3): running = false
        case .down, .char("j"): move(1)
        case .up, .char("k"): move(-1)
        case .right, .char("l"), .pageDown, .char(" "): move(page)
        case .left, .char("h"), .pageUp: move(-page)
        case .home: selected = 0
        case .end, .char("G"): selected = max(0, items.count - 1)
        case .char("/"): mode = .searchInput(query ?? "")
        case .escape:
            if query != nil { query = nil; reload(keep: selectedImage?.id); status = "search cleared" }
        case .char("f"): toggleFavorite()
        case .char(let c) where ("0"..."5").contains(c): rate(Int(String(c))!)
        case .char("a"): review(approve: true)
        case .char("r"): review(approve: false)
        case .char("d"):
            if let image = selectedImage { mode = .confirmDelete(image.id) }
        case .enter: openDetails()
        case .char("g"): generateMore()
        case .char("R"), .control(12): reload(keep: selectedImage?.id); status = "refreshed"
        case .char("?"): mode = .help
        default: break
        }
    }

    private func handleSearchInput(_ key: Key, _ text: String) {
        switch key {
        case .enter:
            // Typed words match as prefixes (`zepp` finds zeppelin), as a person expects of a live search.
            let words = text.split(separator: " ").map { $0.hasSuffix("*") ? String($0) : $0 + "*" }
            query = words.isEmpty ? nil : words.joined(separator: " ")
            mode = .list
            selected = 0
            reload(keep: nil)
            status = query.map { q in
                let n = "\(items.count)\(nextCursor == nil ? "" : "+")"
                return "\(n) \(n == "1" ? "match" : "matches") for \"\(q)\""
            } ?? "showing every image"
        case .escape: mode = .list
        case .backspace: mode = .searchInput(String(text.dropLast()))
        case .char(let c): mode = .searchInput(text + String(c))
        case .control(3): running = false
        default: break
        }
    }

    private func move(_ delta: Int) {
        guard !items.isEmpty else { return }
        selected = min(max(0, selected + delta), items.count - 1)
        if selected >= items.count - 1, nextCursor != nil { loadMore() }
    }

    // MARK: Actions

    private func act(_ what: String, _ body: () throws -> String) {
        do { status = try body() } catch { status = "\(what) failed: \(Browser.message(error))" }
    }

    private func toggleFavorite() {
        guard let image = selectedImage else { return }
        act("favorite") {
            let on = !image.favorite
            _ = try client.call(GalleryFavorite.self, .init(ids: [image.id], favorite: on))
            items[selected].favorite = on
            return on ? "favorited \(image.id)" : "unfavorited \(image.id)"
        }
    }

    private func rate(_ rating: Int) {
        guard let image = selectedImage else { return }
        act("rate") {
            _ = try client.call(GalleryRate.self, .init(ids: [image.id], rating: rating))
            items[selected].rating = rating
            return rating == 0 ? "rating cleared" : "rated \(image.id) \(String(repeating: "★", count: rating))"
        }
    }

    private func review(approve: Bool) {
        guard let image = selectedImage else { return }
        act(approve ? "approve" : "reject") {
            _ = try client.call(GalleryReview.self, .init(verdict: approve ? .approve : .reject, ids: [image.id]))
            return approve ? "approved \(image.id)" : "rejected \(image.id)"
        }
    }

    private func delete(_ id: String) {
        act("delete") {
            let r = try client.call(GalleryDelete.self, .init(ids: [id]))
            reload(keep: nil)
            return "deleted \(r.deleted.count) image(s), \(r.filesRemoved) file(s)"
        }
    }

    private func openDetails() {
        guard let image = selectedImage else { return }
        act("details") {
            details = try client.call(GalleryGet.self, .init(id: image.id, filter: filter))
            mode = .details
            return ""
        }
    }

    private func generateMore() {
        guard let image = selectedImage else { return }
        guard let generation = image.generationId else {
            status = "\(image.id) has no generation to repeat (an import without parameters)"
            return
        }
        act("generate") {
            var params = Generate.Params()
            params.again = generation
            let r = try client.call(Generate.self, params)
            return "queued \(r.jobId) (more like \(image.id)); the images appear here when they are done"
        }
    }

    static func message(_ error: any Error) -> String {
        if let e = error as? RPCError { return e.message }
        if let e = error as? IPCError { return e.message }
        return "\(error)"
    }

    // MARK: Drawing

    /// Rows of the list area: the screen less the title, the details pane and the footer.
    private var listRows: Int { max(1, lastSize.rows - 2 - detailRows) }
    private var detailRows: Int { lastSize.rows >= 16 ? 6 : 0 }

    private func draw() {
        let (width, height) = lastSize
        var out = "\u{1b}[H"
        if graphics == .kitty { out += "\u{1b}_Ga=d\u{1b}\\" }
        func line(_ s: String, style: String = "") {
            out += style + ScreenText.fit(s, width) + (style.isEmpty ? "" : "\u{1b}[0m") + "\u{1b}[K\r\n"
        }
        let scope = query.map { "search \"\($0)\"" } ?? "all images"
        let count = "\(items.count)\(nextCursor == nil ? "" : "+")"
        line(" ArtFactory · \(scope) · \(count) · ? for keys", style: "\u{1b}[7m")

        switch mode {
        case .details: drawDetails(&out, width: width, height: height - 2)
        case .help: drawHelp(&out, width: width, height: height - 2)
        default: drawList(&out, width: width)
        }

        out += footer(width)
        out += "\u{1b}[J"
        if mode == .list || mode == .confirmDelete(selectedImage?.id ?? "") { out += thumbnail(width: width, height: height) }
        screen.write(out)
    }

    private func drawList(_ out: inout String, width: Int) {
        let rows = listRows
        if selected < top { top = selected }
        if selected >= top + rows { top = selected - rows + 1 }
        for r in 0..<rows {
            let i = top + r
            guard items.indices.contains(i) else {
                out += (i == 0 && items.isEmpty ? ScreenText.fit("  (no images\(query == nil ? "" : " match"))", width) : "") + "\u{1b}[K\r\n"
                continue
            }
            let image = items[i]
            let stars = String(repeating: "★", count: image.rating) + String(repeating: "·", count: 5 - image.rating)
            let text = query != nil ? (snippets[image.id] ?? image.prompt ?? "") : (image.prompt ?? "(no prompt)")
            let row = "\(i == selected ? ">" : " ") \(stars) \(image.favorite ? "♥" : " ") \(image.id)  \(text)"
            out += (i == selected ? "\u{1b}[7m" : "") + ScreenText.fit(row, width) + "\u{1b}[0m\u{1b}[K\r\n"
        }
        guard detailRows > 0 else { return }
        let textWidth = graphics != nil && width >= 90 ? width - 20 : width
        var pane: [String] = Array(repeating: "", count: detailRows)
        pane[0] = String(repeating: "─", count: textWidth)
        if let image = selectedImage {
            let wrapped = ScreenText.wrap(image.prompt ?? "(no prompt recorded)", textWidth - 2, lines: 2)
            for (k, l) in wrapped.enumerated() { pane[1 + k] = " " + l }
            var facts = ["\(image.width)x\(image.height)", image.model.isEmpty ? "model ?" : image.model]
            if let s = image.seed { facts.append("seed \(s)") }
            if let s = image.steps { facts.append("\(s) steps") }
            if let s = image.sampler { facts.append(s) }
            if let p = image.project { facts.append("project \(p)") }
            pane[3] = " " + facts.joined(separator: " · ")
            if let n = image.negativePrompt { pane[4] = " negative: " + n }
            if let tags = image.tags, !tags.isEmpty { pane[5] = " tags: " + tags.joined(separator: ", ") }
        }
        for l in pane { out += ScreenText.fit(l, textWidth) + "\u{1b}[K\r\n" }
    }

    private func drawDetails(_ out: inout String, width: Int, height: Int) {
        var lines: [String] = []
        if let d = details {
            lines.append(" \(d.image.id)  \(d.image.width)x\(d.image.height)  \(d.image.mime)  \(d.image.bytes) bytes")
            lines.append(" file: \(d.image.path)")
            if let g = d.generation {
                lines.append("")
                lines += ScreenText.wrap("prompt: " + g.prompt, width - 2, lines: 6).map { " " + $0 }
                if !g.negativePrompt.isEmpty { lines += ScreenText.wrap("negative: " + g.negativePrompt, width - 2, lines: 2).map { " " + $0 } }
                var facts = ["model \(g.model)", "provider \(g.provider)"]
                if let s = g.seed { facts.append("seed \(s)") }
                if let ms = g.durationMs { facts.append(String(format: "%.1f s", Double(ms) / 1000)) }
                lines.append(" " + facts.joined(separator: " · "))
                if let params = g.params.objectValue {
                    let text = params.members.map { "\($0.key)=\(JSONWriter.string($0.value))" }.joined(separator: "  ")
                    lines += ScreenText.wrap("params: " + text, width - 2, lines: 3).map { " " + $0 }
                }
            } else {
                lines.append(" (no generation recorded for this image)")
            }
            if !d.tags.isEmpty { lines.append(" tags: " + d.tags.joined(separator: ", ")) }
            if !d.collections.isEmpty { lines.append(" collections: " + d.collections.map(\.name).joined(separator: ", ")) }
            lines.append("")
            lines.append(" lineage:")
            let chain = d.ancestors + (d.generation.map { [$0] } ?? [])
            if chain.isEmpty { lines.append("   (none)") }
            for (depth, g) in chain.enumerated() {
                let mark = g.id == d.generation?.id ? "● " : "○ "
                lines.append("   " + String(repeating: "  ", count: depth) + mark + g.id + "  " + g.prompt)
            }
            for g in d.children {
                lines.append("   " + String(repeating: "  ", count: chain.count) + "└ " + g.id + "  " + g.prompt)
            }
        }
        for i in 0..<max(0, height) { out += ScreenText.fit(i < lines.count ? lines[i] : "", width) + "\u{1b}[K\r\n" }
    }

    private func drawHelp(_ out: inout String, width: Int, height: Int) {
        var lines = [
            " ↑/↓ or k/j   move            ←/→ or h/l, PgUp/PgDn   page",
            " Home/End, G  first/last       /   search, words as prefixes (Enter runs it, Esc cancels; Esc clears a search)",
            " Enter        details and lineage",
            " f            favourite on/off  1-5  rate (0 clears)",
            " d            delete (asks first)",
            " g            generate more like this (same parameters, new seeds)",
            " R, Ctrl-L    refresh           q, Ctrl-C  quit",
        ]
        lines.insert(" a / r        approve / reject (feeds analytics and exploration)", at: 5)
        lines.append("")
        lines.append(" New images appear as the daemon stores them.")
        for i in 0..<max(0, height) { out += ScreenText.fit(i < lines.count ? lines[i] : "", width) + "\u{1b}[K\r\n" }
    }

    private func footer(_ width: Int) -> String {
        let text: String
        switch mode {
        case .searchInput(let t): text = "/" + t + "█"
        case .confirmDelete(let id): text = "Delete \(id) (file, thumbnail and catalog row)? y/N"
        case .details, .help: text = "Esc back · q back · Ctrl-C quit"
        case .list:
            text = status.isEmpty ? "j/k move · / search · f fav · 1-5 rate · a/r approve/reject · d delete · Enter details · g more · q quit" : status
        }
        return "\u{1b}[7m" + ScreenText.fit(" " + text, width) + "\u{1b}[0m"
    }

    /// The selected image drawn in the details pane's right-hand corner, where the terminal can.
    private func thumbnail(width: Int, height: Int) -> String {
        guard let graphics, width >= 90, detailRows > 0, let image = selectedImage else { return "" }
        let row = height - detailRows
        let col = width - 18
        let place = "\u{1b}7\u{1b}[\(row);\(col)H"
        switch graphics {
        case .kitty:
            guard image.mime == "image/png" else { return "" }
            return place + "\u{1b}_Ga=T,f=100,t=f,c=16,r=\(detailRows - 1),q=2;\(Data(image.path.utf8).base64EncodedString())\u{1b}\\" + "\u{1b}8"
        case .iterm2:
            guard let path = image.thumbnailPath, let data = FileManager.default.contents(atPath: path) else { return "" }
            return place + "\u{1b}]1337;File=inline=1;width=16;height=\(detailRows - 1);preserveAspectRatio=1;size=\(data.count):"
                + data.base64EncodedString() + "\u{07}" + "\u{1b}8"
        case .sixel:
            // About 16 pixels a row on common fonts: the pane's height in pixels.
            guard let path = image.thumbnailPath, let data = FileManager.default.contents(atPath: path),
                  let sixel = InlineImage.sixel(data, maxSide: (detailRows - 1) * 16) else { return "" }
            return place + sixel + "\u{1b}8"
        }
    }
}
