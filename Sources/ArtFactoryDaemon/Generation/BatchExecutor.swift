import ArtFactoryCatalog
import ArtFactoryImaging
import ArtFactoryProtocol
import Foundation
import ZIPFoundation

/// Runs a `batch` job: its generations in order on the one worker, skipping images already stored
/// (so a restart after a crash neither repeats nor loses any), counting failures without stopping,
/// then writes a ZIP of every image and, for grids, a contact sheet. A `remote-batch` job is the
/// same with each generation run by the ``RemoteExecutor`` on the remote worker.
struct BatchExecutor {
    /// Makes one generation's images: the local engine's or a remote provider's.
    typealias RunOne = @Sendable (GenerationSpec, JobContext, GenerationExecutor.BatchPosition) throws -> Void

    let catalog: CatalogDatabase
    let runOne: RunOne
    let galleryDir: String
    let batchesDir: String
    /// Long side of one contact-sheet cell, in pixels.
    var cellSide = 256
    /// How many generations may run at once (a pool of own servers takes several; the engine one).
    var parallelism: @Sendable (GenerationSpec) -> Int = { _ in 1 }
    /// Contact-sheet labels: font scale, height of the column-label band, padding around row labels.
    static let labelScale = 2
    static let labelBand = 28
    static let labelPadding = 8

    static func zipPath(_ dir: String, _ jobId: String) -> String { "\(dir)/\(jobId).zip" }
    static func sheetPath(_ dir: String, _ jobId: String) -> String { "\(dir)/\(jobId)-grid.png" }

    func run(_ context: JobContext) throws {
        let plan = try BatchPlan(catalogJSON: context.job.params)
        var done = 0
        var failed = 0
        let width = plan.specs.first.map(parallelism) ?? 1
        if width > 1 {
            failed = try runConcurrently(plan, width: width, context: context)
        } else {
            for spec in plan.specs {
                do {
                    try runOne(spec, context, .init(done: done, total: plan.total))
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    // Recorded on the generation (status failed); job.get derives the success rate from it.
                    failed += spec.count - storedCount(spec)
                }
                done += spec.count
            }
        }
        let files = try plan.specs.map { spec in
            try catalog.generationDetail(spec.generationId).assets.filter { $0.role == .output }.map { $0.path }
        }
        try writeZip(files.flatMap { $0 }, jobId: context.job.id)
        if let columns = plan.columns, let rows = plan.rows {
            try writeContactSheet(plan, cells: files.map(\.first), columns: columns, rows: rows, jobId: context.job.id)
        }
        if failed == plan.total { throw RPCError.internalError("every image of the batch failed; see job errors in the daemon log") }
    }

    /// Runs up to `width` generations at once (own servers); returns the images that failed.
    private func runConcurrently(_ plan: BatchPlan, width: Int, context: JobContext) throws -> Int {
        let offsets = plan.specs.indices.map { i in plan.specs[..<i].reduce(0) { $0 + $1.count } }
        final class State: @unchecked Sendable {
            let lock = NSLock()
            var next = 0
            var failed = 0
            var canceled = false
        }
        let state = State()
        let group = DispatchGroup()
        for _ in 0..<min(width, plan.specs.count) {
            group.enter()
            let thread = Thread { [self] in
                defer { group.leave() }
                while true {
                    let index: Int? = state.lock.withLock {
                        guard !state.canceled, state.next < plan.specs.count else { return nil }
                        defer { state.next += 1 }
                        return state.next
                    }
                    guard let index else { return }
                    let spec = plan.specs[index]
                    do {
                        try runOne(spec, context, .init(done: offsets[index], total: plan.total))
                    } catch is CancellationError {
                        state.lock.withLock { state.canceled = true }
                    } catch {
                        let lost = spec.count - storedCount(spec)
                        state.lock.withLock { state.failed += lost }
                    }
                }
            }
            thread.name = "artfactory-batch-generation"
            thread.start()
        }
        group.wait()
        if state.lock.withLock({ state.canceled }) { throw CancellationError() }
        return state.lock.withLock { state.failed }
    }

    private func storedCount(_ spec: GenerationSpec) -> Int {
        (try? catalog.generationDetail(spec.generationId).assets.filter { $0.role == .output }.count) ?? 0
    }

    private func writeZip(_ relativePaths: [String], jobId: String) throws {
        let archive = try Archive(data: Data(), accessMode: .create)
        for relative in relativePaths {
            try archive.addEntry(with: relative, fileURL: URL(fileURLWithPath: galleryDir + "/" + relative), compressionMethod: .none)
        }
        guard let data = archive.data else { throw RPCError.internalError("the batch ZIP could not be assembled") }
        try AtomicFile.write(data, to: URL(fileURLWithPath: Self.zipPath(batchesDir, jobId)))
    }

    /// Cells row by row (y values down, x values across), each scaled to fit `cellSide`, on a white
    /// sheet with a 4 px gutter. A band above the cells names each column's x value (`steps=20`) and,
    /// for two-axis grids, a band on the left names each row's y value, in black ``BitmapFont`` text at
    /// 2× (14 px high), centred over the column and vertically on the row, cut with `..` when longer
    /// than the cell (columns) or 240 px (rows). The labels also go into the PNG's text chunks.
    private func writeContactSheet(_ plan: BatchPlan, cells: [String?], columns: Int, rows: Int, jobId: String) throws {
        let gutter = 4
        let scale = Self.labelScale
        let top = Self.labelBand
        let rowLabels = (0..<rows).map { BitmapFont.fitting(plan.rowLabel($0), maxWidth: 240, scale: scale) }
        let widest = rowLabels.map { BitmapFont.width(of: $0, scale: scale) }.max() ?? 0
        let left = widest == 0 ? 0 : widest + 2 * Self.labelPadding
        let sheetWidth = left + columns * (cellSide + gutter) + gutter
        let sheetHeight = top + rows * (cellSide + gutter) + gutter
        var sheet = try PixelBuffer(width: sheetWidth, height: sheetHeight, channels: 3, filledWith: 255)
        for column in 0..<columns {
            let text = BitmapFont.fitting(plan.columnLabel(column), maxWidth: cellSide, scale: scale)
            let x = left + gutter + column * (cellSide + gutter) + (cellSide - BitmapFont.width(of: text, scale: scale)) / 2
            BitmapFont.draw(text, into: &sheet, x: x, y: (top - BitmapFont.height(scale: scale)) / 2, scale: scale)
        }
        for (row, text) in rowLabels.enumerated() {
            let y = top + gutter + row * (cellSide + gutter) + (cellSide - BitmapFont.height(scale: scale)) / 2
            BitmapFont.draw(text, into: &sheet, x: Self.labelPadding, y: y, scale: scale)
        }
        for (index, relative) in cells.enumerated() {
            guard let relative else { continue }
            let image = try ImageDecoder().decode(fileAt: URL(fileURLWithPath: galleryDir + "/" + relative)).pixels.rgb()
            let cell = try Resampler().fit(image, maxSide: cellSide)
            let originX = left + gutter + (index % columns) * (cellSide + gutter)
            let originY = top + gutter + (index / columns) * (cellSide + gutter)
            for y in 0..<cell.height {
                let src = y * cell.width * 3
                let dst = ((originY + y) * sheetWidth + originX) * 3
                sheet.bytes.replaceSubrange(dst..<(dst + cell.width * 3), with: cell.bytes[src..<(src + cell.width * 3)])
            }
        }
        let labels = plan.specs.enumerated().map { "\($0.offset): \($0.element.label ?? "")" }.joined(separator: "\n")
        let axes = "x=\(plan.xLabel ?? "") y=\(plan.yLabel ?? "") columns=\(columns) rows=\(rows)"
        let png = try PNGEncoder().encode(sheet, textChunks: [
            PNGTextChunk(kind: .iTXt, keyword: "artfactory-grid", text: axes + "\n" + labels),
        ])
        try AtomicFile.write(png, to: URL(fileURLWithPath: Self.sheetPath(batchesDir, jobId)))
    }
}
