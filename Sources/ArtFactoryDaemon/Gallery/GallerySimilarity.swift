import ArtFactoryCatalog
import ArtFactoryImaging
import ArtFactoryProtocol
import Foundation

/// `gallery.similar`: ranks gallery images by ``VisualDescriptor`` similarity to an image or a file.
///
/// Descriptors are stored when images enter the gallery (``GalleryService``); images stored
/// before that (or whose row was forgotten) are measured here, a bounded number per call
/// (``backfillLimit`` images, none started after ``backfillBudget`` seconds, newest first, on
/// ``FileWorkers``). An
/// image whose file is missing or cannot be decoded is marked in the catalog and skipped, so it
/// does not cost every later query again. Ranking is a linear scan over the stored descriptors of
/// the images matching the filter (1.4 KB each). Thread-safe; runs on a worker thread.
struct GallerySimilarity: Sendable {
    let catalog: CatalogDatabase
    let gallery: GalleryService

    /// Most images measured by one call, and the seconds after which no more are started.
    var backfillLimit = 256
    var backfillBudget = 2.0
    static let maxLimit = 200

    func similar(_ p: GallerySimilar.Params) throws -> GallerySimilar.Result {
        let limit = p.limit ?? 12
        guard (1...Self.maxLimit).contains(limit) else {
            throw RPCError.invalidParams("limit must be 1 to \(Self.maxLimit); got \(limit).", field: "limit")
        }
        let query: VisualDescriptor
        switch (p.id, p.path) {
        case (let id?, nil): query = try descriptor(ofImage: id)
        case (nil, let path?): query = try descriptor(ofFile: path)
        default:
            throw RPCError.invalidParams("Give either id (a gallery image) or path (an image file), not both and not neither.", field: "id")
        }
        let filter = GalleryWire.filter(p.filter)
        let version = VisualDescriptor.version
        var counts = try catalog.visualDescriptorCounts(version: version, filter: filter)
        var backfilled = 0
        if counts.missing > 0 {
            backfilled = try backfill(filter)
            counts = try catalog.visualDescriptorCounts(version: version, filter: filter)
        }
        var ranking = TopHits(limit: limit)
        var candidate = [Float](repeating: 0, count: VisualDescriptor.count)
        try query.values.withUnsafeBufferPointer { q in
            try candidate.withUnsafeMutableBufferPointer { c in
                try catalog.forEachVisualDescriptor(version: version, filter: filter) { id, raw in
                    guard raw.count == VisualDescriptor.count * 4, id != p.id else { return }
                    for i in 0..<VisualDescriptor.count {
                        c[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
                    }
                    ranking.offer(id, VisualDescriptor.similarity(q, UnsafeBufferPointer(c)))
                }
            }
        }
        let top = ranking.hits
        let assets = try top.map { try catalog.asset($0.id) }
        let images = try GalleryWire.listed(assets, catalog: catalog, paths: gallery.paths, inlineThumbnails: p.inlineThumbnails ?? false)
        let hits = zip(images, top).map { image, hit in
            GallerySimilar.Hit(image: image, similarity: Self.rounded(hit.similarity.total), layout: Self.rounded(hit.similarity.layout),
                               color: Self.rounded(hit.similarity.color), edges: Self.rounded(hit.similarity.edges))
        }
        return GallerySimilar.Result(hits: hits, descriptor: version, compared: ranking.offered, backfilled: backfilled,
                                     pending: counts.missing, unreadable: counts.unreadable)
    }

    /// The stored descriptor of a gallery image, measured (and stored) now when it has none.
    /// - Throws: `notFound` for an unknown id; `invalidParams` when its file cannot be read.
    func descriptor(ofImage id: String) throws -> VisualDescriptor {
        let asset = try catalog.asset(id)
        if let data = try catalog.visualDescriptor(of: id, version: VisualDescriptor.version), let stored = VisualDescriptor(data: data) {
            return stored
        }
        let outcome = measure(asset)
        try catalog.setVisualDescriptors([outcome], version: VisualDescriptor.version)
        guard let data = outcome.descriptor, let measured = VisualDescriptor(data: data) else {
            throw RPCError.invalidParams("The file of image \(id) cannot be read (\(outcome.error ?? "unknown error")), so there is nothing to compare with; "
                                         + "`artfactory gallery fsck` finds missing files, or pass another image.", field: "id")
        }
        return measured
    }

    /// The descriptor of a client's file (checked like every client path).
    /// - Throws: `pathNotAllowed`; `invalidParams` when it is missing or not a decodable image.
    func descriptor(ofFile path: String) throws -> VisualDescriptor {
        let resolved = try ClientPath(daemonHome: gallery.paths.home).existing(path, what: "Reference image")
        do {
            let image = try ImageDecoder(limits: gallery.limits).decode(fileAt: URL(fileURLWithPath: resolved))
            return VisualDescriptor(pixels: image.pixels)
        } catch {
            throw RPCError.invalidParams("'\(path)' cannot be read as an image (\(GalleryError.rpc(error).message)); pass a PNG, JPEG or WebP file, "
                                         + "or the id of a gallery image.", field: "path")
        }
    }

    /// Measures a bounded number of the images matching `filter` that have no descriptor yet.
    /// - Returns: how many descriptors were stored (failures are stored as marks, not counted).
    func backfill(_ filter: AssetFilter) throws -> Int {
        let missing = try catalog.assetsMissingVisualDescriptor(version: VisualDescriptor.version, filter: filter, limit: backfillLimit)
        guard !missing.isEmpty else { return 0 }
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(max(0, backfillBudget) * 1e9)
        let slots = Slots<VisualDescriptorOutcome>(count: missing.count)
        try FileWorkers.run(count: missing.count) { i in
            guard DispatchTime.now().uptimeNanoseconds < deadline else { return }
            slots[i] = measure(missing[i])
        }
        let outcomes = slots.values.compactMap { $0 }
        try catalog.setVisualDescriptors(outcomes, version: VisualDescriptor.version)
        return outcomes.filter { $0.descriptor != nil }.count
    }

    /// Decodes an image's file and measures it; a missing or undecodable file gives a failure.
    func measure(_ asset: Asset) -> VisualDescriptorOutcome {
        let path = gallery.absoluteImage(asset.path)
        guard FileManager.default.fileExists(atPath: path) else {
            return VisualDescriptorOutcome(assetId: asset.id, descriptor: nil, error: "the file \(path) is missing")
        }
        do {
            let image = try ImageDecoder(limits: gallery.limits).decode(fileAt: URL(fileURLWithPath: path))
            return VisualDescriptorOutcome(assetId: asset.id, descriptor: VisualDescriptor(pixels: image.pixels).data)
        } catch {
            return VisualDescriptorOutcome(assetId: asset.id, descriptor: nil, error: GalleryError.rpc(error).message)
        }
    }

    static func rounded(_ x: Double) -> Double { (x * 10_000).rounded() / 10_000 }
}

/// The best `limit` of a stream of scored images, best first; ties (identical pixels) newest
/// first, since ids sort by creation time. O(n log limit).
struct TopHits {
    let limit: Int
    private(set) var hits: [(id: String, similarity: VisualDescriptor.Similarity)] = []
    /// How many were offered.
    private(set) var offered = 0

    init(limit: Int) { self.limit = limit }

    static func before(_ a: (id: String, similarity: VisualDescriptor.Similarity), _ b: (id: String, similarity: VisualDescriptor.Similarity)) -> Bool {
        a.similarity.total != b.similarity.total ? a.similarity.total > b.similarity.total : a.id > b.id
    }

    mutating func offer(_ id: String, _ similarity: VisualDescriptor.Similarity) {
        offered += 1
        let hit = (id: id, similarity: similarity)
        if hits.count == limit, let last = hits.last, !Self.before(hit, last) { return }
        var low = 0, high = hits.count
        while low < high {
            let mid = (low + high) / 2
            if Self.before(hits[mid], hit) { low = mid + 1 } else { high = mid }
        }
        hits.insert(hit, at: low)
        if hits.count > limit { hits.removeLast() }
    }
}
