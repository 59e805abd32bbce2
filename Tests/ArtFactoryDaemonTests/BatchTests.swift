import ArtFactoryCatalog
import ArtFactoryImaging
import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Glibc
import Testing
import TestSupport

/// `batch.submit` end to end with the tiny model: prompt lists with a ZIP, grids with a contact
/// sheet, limits, and a SIGKILL mid-batch.
@Suite(.serialized) struct BatchTests {
    static func base(steps: Int = 2) -> Generate.Params {
        var p = Generate.Params()
        p.steps = steps
        p.width = 64
        p.height = 64
        p.seed = 11
        return p
    }

    static func zipEntries(_ path: String) throws -> [String] {
        let r = try runProgram("/usr/bin/env", ["python3", "-c", "import sys, zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))", path],
                               environment: ProcessInfo.processInfo.environment)
        return r.stdout.split(separator: "\n").map(String.init)
    }

    /// The dark pixels of a region, cropped to their bounding box (empty when there are none).
    static func ink(_ image: PixelBuffer, x: Range<Int>, y: Range<Int>) -> [[Bool]] {
        let grid = y.map { py in x.map { px in (0..<3).allSatisfy { image.bytes[(py * image.width + px) * 3 + $0] < 128 } } }
        let rows = grid.indices.filter { grid[$0].contains(true) }
        let columns = x.indices.map { $0 - x.lowerBound }.filter { c in grid.contains { $0[c] } }
        guard let r0 = rows.first, let r1 = rows.last, let c0 = columns.first, let c1 = columns.last else { return [] }
        return grid[r0...r1].map { Array($0[c0...c1]) }
    }

    /// `text` drawn at the contact sheet's scale, cropped like ``ink(_:x:y:)``.
    static func rendered(_ text: String) -> [[Bool]] {
        var buffer = try! PixelBuffer(width: BitmapFont.width(of: text, scale: 2) + 4, height: 20, channels: 3, filledWith: 255)
        BitmapFont.draw(text, into: &buffer, x: 2, y: 2, scale: 2)
        return ink(buffer, x: 0..<buffer.width, y: 0..<buffer.height)
    }

    @Test func tenPromptsRunInOrderAndLandInAZip() throws {
        let f = try GenerationFixture.start()
        defer { f.cleanUp() }
        let c = try f.daemon.client()
        let prompts = (0..<10).map { "shape number \($0)" }
        let r = try c.call(BatchSubmit.self, .init(prompts: prompts, base: Self.base()))
        #expect(r.total == 10 && r.generationIds.count == 10)
        let info = try f.wait(r.jobId, timeout: 300)
        #expect(info.status == "succeeded", "\(info.error ?? "")")
        #expect(info.images.count == 10)
        #expect(info.failedImages == 0)
        #expect(info.progress?.images == 10)
        let catalog = try CatalogDatabase(path: f.home + "/catalog.sqlite")
        let made = try r.generationIds.map { try catalog.generation($0) }
        #expect(made.map(\.prompt) == prompts)
        #expect(made.allSatisfy { $0.batchId == r.batchId && $0.status == .succeeded })
        #expect(zip(made, made.dropFirst()).allSatisfy { ($0.completedAt ?? 0) <= ($1.startedAt ?? 0) }, "one after another")
        let zipPath = try #require(info.zip)
        let entries = try Self.zipEntries(zipPath)
        #expect(entries.count == 10)
        #expect(Set(entries) == Set(info.images.map { String($0.path.dropFirst(f.home.count + "/gallery/".count)) }))
        #expect(info.contactSheet == nil)
    }

    @Test func gridMakesOneImagePerCellAndAContactSheet() throws {
        let f = try GenerationFixture.start()
        defer { f.cleanUp() }
        let c = try f.daemon.client()
        let r = try c.call(BatchSubmit.self, .init(prompt: "a {red|blue} shape", strategy: "grid",
                                                   x: .init(param: "steps", values: ["1", "2", "3"]),
                                                   y: .init(param: "seed", values: ["1", "2", "3"]), base: Self.base()))
        #expect(r.total == 9)
        let info = try f.wait(r.jobId, timeout: 300)
        #expect(info.status == "succeeded", "\(info.error ?? "")")
        #expect(info.images.count == 9)
        let catalog = try CatalogDatabase(path: f.home + "/catalog.sqlite")
        let cells = try r.generationIds.map { try catalog.generation($0) }
        #expect(cells.map { $0.params.flattened()["steps"] } == [1, 2, 3, 1, 2, 3, 1, 2, 3].map { CatalogJSON.int($0) })
        #expect(cells.map(\.seed) == [1, 1, 1, 2, 2, 2, 3, 3, 3])
        let sheetPath = try #require(info.contactSheet)
        let data = try Data(contentsOf: URL(fileURLWithPath: sheetPath))
        let sheet = try PNGDecoder.decode(data).rgb()
        // A 28 px band of column labels on top, and a band of row labels on the left as wide as
        // "seed=3" at 2× (70 px) plus 8 px either side.
        let left = BitmapFont.width(of: "seed=3", scale: 2) + 16
        #expect(sheet.width == left + 3 * 260 + 4 && sheet.height == 28 + 3 * 260 + 4)
        // Each band holds exactly its axis value's text, drawn with the sheet's font.
        for (c, value) in ["1", "2", "3"].enumerated() {
            let x0 = left + 4 + c * 260
            #expect(Self.ink(sheet, x: x0..<(x0 + 256), y: 0..<28) == Self.rendered("steps=\(value)"), "column \(c)")
            let y0 = 28 + 4 + c * 260
            #expect(Self.ink(sheet, x: 0..<left, y: y0..<(y0 + 256)) == Self.rendered("seed=\(value)"), "row \(c)")
        }
        #expect(Self.rendered("steps=1") != Self.rendered("steps=2"))
        let chunks = try PNGTextChunk.readAll(from: data)
        #expect(chunks.contains { $0.text.contains("x=steps y=seed") && $0.text.contains("8: steps=3, seed=3") })
        #expect(try Self.zipEntries(try #require(info.zip)).count == 9)
    }

    @Test func batchLimitsAreCheckedBeforeQueueing() throws {
        let f = try GenerationFixture.start()
        defer { f.cleanUp() }
        let c = try f.daemon.client()
        func expectError(_ params: BatchSubmit.Params, code: Int) {
            do {
                _ = try c.call(BatchSubmit.self, params)
                Issue.record("expected error \(code)")
            } catch let e as RPCError {
                #expect(e.code == code, "\(e.message)")
            } catch { Issue.record("\(error)") }
        }
        expectError(.init(prompts: (0..<11).map { "p\($0)" }, base: Self.base()), code: RPCErrorCode.limitExceeded)
        expectError(.init(prompt: "x", strategy: "consistent", images: 501, base: Self.base()), code: RPCErrorCode.limitExceeded)
        let many = (1...30).map(String.init)
        expectError(.init(prompt: "x", strategy: "grid", x: .init(param: "seed", values: many), y: .init(param: "steps", values: many),
                          base: Self.base()), code: RPCErrorCode.limitExceeded)
        expectError(.init(prompt: "x", strategy: "grid", x: .init(param: "width", values: ["64"]), base: Self.base()), code: RPCErrorCode.invalidParams)
        expectError(.init(prompts: ["fine", "a {broken"], base: Self.base()), code: RPCErrorCode.invalidParams)
        #expect(try c.call(JobList.self, .init()).jobs.isEmpty)
    }

    @Test func killedMidBatchFinishesAfterRestartWithNoDuplicatesOrLosses() throws {
        var f = try GenerationFixture.start()
        defer { f.cleanUp() }
        let c = try f.daemon.client()
        _ = try c.call(EventsSubscribe.self, .init(topics: ["job"]))
        let r = try c.call(BatchSubmit.self, .init(prompts: (0..<6).map { "crash \($0)" }, images: 1, base: Self.base(steps: 6)))
        var midway = false
        let deadline = Date().addingTimeInterval(120)
        while !midway, Date() < deadline {
            if let n = try c.waitForNotification(timeout: 5), n.method == "job.progress",
               let image = n.params["progress"]?["image"]?.intValue, image >= 3 { midway = true }
        }
        #expect(midway)
        f.daemon.stop(signal: SIGKILL)
        try f.restart()
        let info = try f.wait(r.jobId, timeout: 300)
        #expect(info.status == "succeeded")
        #expect(info.images.count == 6)
        #expect(Set(info.images.map(\.path)).count == 6)
        #expect(try Self.zipEntries(try #require(info.zip)).count == 6)
        let fsck = try f.daemon.client().call("gallery.fsck", params: ["verifyHashes": true])
        #expect(fsck["clean"] == true, "\(fsck)")
    }

    @Test func cliBatchFromAFileOfPrompts() throws {
        let f = try GenerationFixture.start()
        defer { f.cleanUp() }
        let file = f.home + "/prompts.txt"
        try "a red dot\n\na blue dot\n".write(toFile: file, atomically: true, encoding: .utf8)
        let r = try runCLI(["batch", file, "--steps", "2", "--width", "64", "--height", "64", "--wait", "--json"], home: f.home,
                           environment: ["ARTFACTORY_NO_AUTOSTART": "1"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONParser().parse(r.stdout)
        #expect(json["status"] == "succeeded")
        #expect(json["images"]?.arrayValue?.count == 2)
        #expect(json["zip"]?.stringValue?.hasSuffix(".zip") == true)
        let bad = try runCLI(["batch", "-"], home: f.home, environment: ["ARTFACTORY_NO_AUTOSTART": "1"],
                             stdin: (0..<11).map { "p\($0)" }.joined(separator: "\n"))
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("1 to 10 prompts"))
    }
}
