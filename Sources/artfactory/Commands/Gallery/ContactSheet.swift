import ArtFactoryProtocol
import Foundation

/// Renders the offline HTML contact sheet: no network, no external files but the thumbnails.
enum ContactSheet {
    struct Card {
        var image: GalleryImage
        var thumbnail: String?
        var generation: GalleryGeneration?
        var tags: [String]
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }

    static func render(_ cards: [Card]) -> String {
        let allTags = Set(cards.flatMap(\.tags)).sorted()
        var html = """
            <!doctype html><html><head><meta charset="utf-8"><title>ArtFactory contact sheet</title>
            <style>
            body{font-family:sans-serif;background:#111;color:#ddd;margin:1em}
            .tags button{margin:2px;background:#333;color:#ddd;border:1px solid #555;border-radius:4px;cursor:pointer}
            .tags button.on{background:#4a6;color:#fff}
            .grid{display:flex;flex-wrap:wrap;gap:8px}
            figure{margin:0;width:256px}
            figure img{width:256px;height:256px;object-fit:contain;background:#222}
            figcaption{font-size:11px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
            details pre{white-space:pre-wrap;font-size:11px}
            </style></head><body>
            <h1>ArtFactory — \(cards.count) images</h1>
            <div class="tags">Filter by tag: <button class="on" data-tag="">all</button>
            """
        for tag in allTags { html += "<button data-tag=\"\(escape(tag.lowercased()))\">\(escape(tag))</button>" }
        html += "</div><div class=\"grid\">\n"
        for card in cards {
            let prompt = card.generation?.prompt ?? ""
            let params = card.generation.map { g in
                "model: \(g.model)\nseed: \(g.seed.map(String.init) ?? "-")\nnegative: \(g.negativePrompt)\n\(JSONWriter.prettyString(g.params))"
            } ?? "imported without metadata"
            let tags = card.tags.map { $0.lowercased() }.joined(separator: "|")
            let original = URL(fileURLWithPath: card.image.path).absoluteString
            let img = card.thumbnail.map { "<img loading=\"lazy\" src=\"\(escape($0))\" alt=\"\(escape(prompt))\">" } ?? "<span>(no thumbnail)</span>"
            html += """
                <figure data-tags="\(escape(tags))" title="\(escape(prompt))">
                <a href="\(escape(original))">\(img)</a>
                <figcaption>\(escape(prompt.isEmpty ? card.image.id : prompt))</figcaption>
                <details><summary>\(card.image.width)×\(card.image.height)\(card.image.favorite ? " ★" : "")</summary><pre>\(escape(prompt))\n\(escape(params))\ntags: \(escape(card.tags.joined(separator: ", ")))</pre></details>
                </figure>\n
                """
        }
        html += """
            </div><script>
            document.querySelectorAll('.tags button').forEach(function(b){b.addEventListener('click',function(){
              document.querySelectorAll('.tags button').forEach(function(x){x.classList.remove('on')});b.classList.add('on');
              var t=b.dataset.tag;document.querySelectorAll('figure').forEach(function(f){
                f.style.display=(!t||f.dataset.tags.split('|').indexOf(t)>=0)?'':'none'})})});
            </script></body></html>\n
            """
        return html
    }
}
