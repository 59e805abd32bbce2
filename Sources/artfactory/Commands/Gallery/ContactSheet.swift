import ArtFactoryProtocol
import Foundation

/// Renders the offline viewer that `gallery html` writes: one static page per scope (all images,
/// each project, each collection) that works from `file://` with no server and no network.
///
/// Cards are rendered into the HTML (escaped), so a page reads without JavaScript too; a small
/// inline script adds search over the page's embedded index (words as prefixes over prompt,
/// negative prompt, tags, model and id), filters (tag, model, favourites, minimum rating), sort, and
/// a full-size view with every parameter and prev/next. The state lives in the URL's hash
/// (`#q=fox&tag=old&open=img_…`), so a view can be bookmarked.
enum ContactSheet {
    struct Card {
        var image: GalleryImage
        /// Thumbnail path relative to the page.
        var thumbnail: String?
        /// Full-size image: relative to the page when copied, else a `file://` URL of the original.
        var original: String
        var generation: GalleryGeneration?
        var tags: [String]
        var collections: [String]
    }

    /// A page of the viewer: its file name, title and the other pages to link to.
    struct Page {
        var file: String
        var title: String
        var cards: [Card]
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

    /// JSON that is safe inside `<script>`: `<`, `>` and `&` written as `\u00XX`.
    static func scriptJSON(_ value: JSONValue) -> String {
        JSONWriter.string(value).replacingOccurrences(of: "<", with: "\\u003c").replacingOccurrences(of: ">", with: "\\u003e")
            .replacingOccurrences(of: "&", with: "\\u0026")
    }

    /// A file-name-safe slug: lowercase letters, digits and dashes.
    static func slug(_ s: String) -> String {
        let mapped = s.lowercased().unicodeScalars.map { CharacterSet.alphanumerics.contains($0) && $0.isASCII ? Character($0) : "-" }
        let joined = String(mapped).split(separator: "-").joined(separator: "-")
        return joined.isEmpty ? "untitled" : joined
    }

    /// The record the page's script reads for the full-size view.
    static func entry(_ card: Card) -> JSONValue {
        let g = card.generation
        var o = JSONObject([
            ("id", .string(card.image.id)), ("original", .string(card.original)),
            ("width", .int(Int64(card.image.width))), ("height", .int(Int64(card.image.height))),
            ("model", .string(g?.model ?? card.image.model)), ("prompt", .string(g?.prompt ?? "")),
            ("negative", .string(g?.negativePrompt ?? "")), ("tags", .array(card.tags.map { .string($0) })),
            ("collections", .array(card.collections.map { .string($0) })),
            ("rating", .int(Int64(card.image.rating))), ("favorite", .bool(card.image.favorite)),
            ("created", .int(card.image.createdAt)),
        ])
        if let seed = g?.seed { o["seed"] = .int(seed) }
        if let g { o["params"] = g.params; o["provider"] = .string(g.provider); o["generation"] = .string(g.id) }
        if let parent = g?.parentGenerationId { o["parent"] = .string(parent) }
        return .object(o)
    }

    /// One page's HTML. `nav` lists every page (file, title, count) for the header links.
    static func render(_ page: Page, nav: [(file: String, title: String, count: Int)]) -> String {
        let cards = page.cards
        let allTags = Set(cards.flatMap(\.tags)).sorted()
        let models = Set(cards.map { $0.generation?.model ?? $0.image.model }.filter { !$0.isEmpty }).sorted()
        var html = """
            <!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
            <title>\(escape(page.title)) — ArtFactory</title>
            <style>
            body{font-family:sans-serif;background:#111;color:#ddd;margin:0}
            header{position:sticky;top:0;background:#1b1b1b;padding:.6em 1em;border-bottom:1px solid #333;z-index:2}
            header h1{font-size:1.2em;margin:0 0 .4em}
            nav a{color:#8cf;margin-right:.8em;text-decoration:none}nav a.here{color:#fff;font-weight:bold}
            .controls{display:flex;flex-wrap:wrap;gap:.5em;align-items:center;margin-top:.4em}
            .controls input[type=search]{width:22em;padding:.3em;background:#222;color:#eee;border:1px solid #555}
            select,label{background:#222;color:#ddd;border:1px solid #555;padding:.2em}
            .tags button{margin:2px;background:#333;color:#ddd;border:1px solid #555;border-radius:4px;cursor:pointer}
            .tags button.on{background:#4a6;color:#fff}
            #count{color:#aaa}
            .grid{display:flex;flex-wrap:wrap;gap:8px;padding:1em}
            figure{margin:0;width:200px;cursor:pointer}
            figure img,figure .none{width:200px;height:200px;object-fit:contain;background:#222;display:block}
            figcaption{font-size:11px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
            .stars{color:#fc3;font-size:11px}
            #view{position:fixed;inset:0;background:rgba(0,0,0,.92);display:none;z-index:5}
            #view.open{display:flex}
            #view .big{flex:1;display:flex;align-items:center;justify-content:center}
            #view .big img{width:100%;height:100vh;object-fit:contain;image-rendering:pixelated}
            #view aside{width:26em;overflow:auto;padding:1em;background:#181818;font-size:13px;word-break:break-word}
            #view aside pre{white-space:pre-wrap;word-break:break-word}
            #view button{background:#333;color:#eee;border:1px solid #555;margin:2px;cursor:pointer}
            noscript{color:#fa6}
            </style></head><body>
            <header><h1>\(escape(page.title)) — <span id="total">\(cards.count)</span> images</h1><nav>
            """
        for n in nav {
            html += "<a href=\"\(escape(n.file))\"\(n.file == page.file ? " class=\"here\"" : "")>\(escape(n.title)) (\(n.count))</a>"
        }
        html += """
            </nav><div class="controls">
            <input type="search" id="q" placeholder="search prompts, tags, models…" aria-label="search">
            <select id="model" aria-label="model"><option value="">any model</option>
            """
        for m in models { html += "<option value=\"\(escape(m))\">\(escape(m))</option>" }
        html += """
            </select><select id="rating" aria-label="minimum rating"><option value="0">any rating</option>
            <option value="1">★+</option><option value="2">★★+</option><option value="3">★★★+</option>
            <option value="4">★★★★+</option><option value="5">★★★★★</option></select>
            <label><input type="checkbox" id="fav"> favourites</label>
            <select id="sort" aria-label="sort"><option value="new">newest</option><option value="old">oldest</option>
            <option value="rating">best rated</option></select>
            <span id="count">\(cards.count) of \(cards.count)</span></div>
            <div class="tags">Tag: <button class="on" data-tag="">all</button>
            """
        for tag in allTags { html += "<button data-tag=\"\(escape(tag.lowercased()))\">\(escape(tag))</button>" }
        html += "</div><noscript>Search, filters and the full-size view need JavaScript; the images are all below.</noscript></header>\n<div class=\"grid\" id=\"grid\">\n"
        for card in cards {
            let prompt = card.generation?.prompt ?? ""
            let model = card.generation?.model ?? card.image.model
            let text = ([prompt, card.generation?.negativePrompt ?? "", model, card.image.id] + card.tags).joined(separator: " ").lowercased()
            let img = card.thumbnail.map { "<img loading=\"lazy\" src=\"\(escape($0))\" alt=\"\(escape(prompt))\">" }
                ?? "<span class=\"none\">(no thumbnail)</span>"
            html += """
                <figure id="\(escape(card.image.id))" data-tags="\(escape(card.tags.map { $0.lowercased() }.joined(separator: "|")))" \
                data-model="\(escape(model))" data-rating="\(card.image.rating)" data-fav="\(card.image.favorite ? 1 : 0)" \
                data-created="\(card.image.createdAt)" data-text="\(escape(text))" title="\(escape(prompt))">
                <a href="\(escape(card.original))">\(img)</a>
                <figcaption>\(escape(prompt.isEmpty ? card.image.id : prompt))</figcaption>
                <div class="stars">\(String(repeating: "★", count: card.image.rating))\(card.image.favorite ? " ♥" : "") \(card.image.width)×\(card.image.height)</div>
                </figure>\n
                """
        }
        html += "</div>\n<div id=\"view\" role=\"dialog\"><div class=\"big\"><img id=\"vimg\" alt=\"\"></div><aside id=\"vinfo\"></aside></div>\n"
        html += "<script type=\"application/json\" id=\"index\">" + scriptJSON(.array(cards.map(entry))) + "</script>\n"
        html += script
        html += "</body></html>\n"
        return html
    }

    /// The page's behaviour: plain DOM code, no libraries, no network.
    static let script = """
        <script>
        (function(){
        var index={};JSON.parse(document.getElementById('index').textContent).forEach(function(e){index[e.id]=e});
        var grid=document.getElementById('grid'),figs=Array.prototype.slice.call(grid.querySelectorAll('figure'));
        var q=document.getElementById('q'),model=document.getElementById('model'),rating=document.getElementById('rating'),
            fav=document.getElementById('fav'),sort=document.getElementById('sort'),count=document.getElementById('count');
        var tag='',open='',shown=[];
        function esc(s){return String(s).replace(/[&<>"']/g,function(c){return {'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c]})}
        function readHash(){var h={};location.hash.replace(/^#/,'').split('&').forEach(function(kv){if(!kv)return;var i=kv.indexOf('=');
          h[decodeURIComponent(i<0?kv:kv.slice(0,i))]=i<0?'':decodeURIComponent(kv.slice(i+1).replace(/\\+/g,' '))});return h}
        function writeHash(){var h=[];if(q.value)h.push('q='+encodeURIComponent(q.value));if(tag)h.push('tag='+encodeURIComponent(tag));
          if(model.value)h.push('model='+encodeURIComponent(model.value));if(rating.value!=='0')h.push('rating='+rating.value);
          if(fav.checked)h.push('fav=1');if(sort.value!=='new')h.push('sort='+sort.value);if(open)h.push('open='+encodeURIComponent(open));
          history.replaceState(null,'',h.length?'#'+h.join('&'):location.pathname)}
        function apply(){
          var words=q.value.toLowerCase().split(/\\s+/).filter(Boolean).map(function(w){return w.replace(/\\*$/,'')});
          var min=+rating.value;shown=[];
          figs.forEach(function(f){var d=f.dataset,text=' '+d.text.replace(/[^a-z0-9_\\u00c0-\\uffff]+/g,' ');
            var ok=words.every(function(w){return text.indexOf(' '+w)>=0})&&(!tag||d.tags.split('|').indexOf(tag)>=0)&&
              (!model.value||d.model===model.value)&&(+d.rating>=min)&&(!fav.checked||d.fav==='1');
            f.style.display=ok?'':'none';if(ok)shown.push(f)});
          var key=sort.value;figs.slice().sort(function(a,b){
            if(key==='rating')return (+b.dataset.rating-+a.dataset.rating)||(+b.dataset.created-+a.dataset.created);
            return key==='old'?(+a.dataset.created-+b.dataset.created):(+b.dataset.created-+a.dataset.created)})
            .forEach(function(f){grid.appendChild(f)});
          shown=figs.filter(function(f){return f.style.display!=='none'}).sort(function(a,b){
            return Array.prototype.indexOf.call(grid.children,a)-Array.prototype.indexOf.call(grid.children,b)});
          count.textContent=shown.length+' of '+figs.length;
          document.querySelectorAll('.tags button').forEach(function(b){b.classList.toggle('on',b.dataset.tag===tag)});
          writeHash()}
        function show(id){var e=index[id];if(!e){close();return}open=id;
          document.getElementById('vimg').src=e.original;
          var p=e.params?Object.keys(e.params).map(function(k){return k+': '+JSON.stringify(e.params[k])}).join('\\n'):'';
          document.getElementById('vinfo').innerHTML='<button id="vprev">← prev</button><button id="vnext">next →</button>'+
            '<button id="vclose">close (Esc)</button><h2>'+esc(e.id)+'</h2><p>'+e.width+'×'+e.height+' · '+esc(e.model)+
            (e.seed!==undefined?' · seed '+e.seed:'')+'</p><h3>Prompt</h3><pre id="vprompt">'+esc(e.prompt||'(none)')+'</pre>'+
            (e.negative?'<h3>Negative</h3><pre>'+esc(e.negative)+'</pre>':'')+(p?'<h3>Parameters</h3><pre>'+esc(p)+'</pre>':'')+
            '<p>tags: '+esc(e.tags.join(', ')||'-')+'</p><p>collections: '+esc(e.collections.join(', ')||'-')+'</p>'+
            (e.parent?'<p>made from '+esc(e.parent)+'</p>':'')+'<p><a href="'+esc(e.original)+'">open the original</a></p>';
          document.getElementById('vprev').onclick=function(){step(-1)};document.getElementById('vnext').onclick=function(){step(1)};
          document.getElementById('vclose').onclick=close;document.getElementById('view').classList.add('open');writeHash()}
        function close(){open='';document.getElementById('view').classList.remove('open');writeHash()}
        function step(d){var i=shown.map(function(f){return f.id}).indexOf(open);if(i<0)return;var n=shown[(i+d+shown.length)%shown.length];if(n)show(n.id)}
        figs.forEach(function(f){f.addEventListener('click',function(ev){ev.preventDefault();show(f.id)})});
        document.querySelectorAll('.tags button').forEach(function(b){b.addEventListener('click',function(){tag=b.dataset.tag;apply()})});
        [q,model,rating,fav,sort].forEach(function(el){el.addEventListener('input',apply);el.addEventListener('change',apply)});
        document.addEventListener('keydown',function(ev){if(!open)return;if(ev.key==='Escape')close();
          else if(ev.key==='ArrowRight')step(1);else if(ev.key==='ArrowLeft')step(-1)});
        var h=readHash();q.value=h.q||'';tag=(h.tag||'').toLowerCase();model.value=h.model||'';rating.value=h.rating||'0';
        fav.checked=h.fav==='1';sort.value=h.sort||'new';apply();if(h.open)show(h.open);
        })();
        </script>

        """
}
