import Foundation
import Testing
@testable import ArtFactoryImaging

@Suite struct AtomicFileTests {
    static func permissions(_ url: URL) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test func writesPrivateFileAndPrivateDirectoriesWithNoLeftovers() throws {
        let root = try TestFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let target = root.appendingPathComponent("gallery/p/2026/11/a.png")
        try AtomicFile.write(Data("first".utf8), to: target)
        #expect(try Data(contentsOf: target) == Data("first".utf8))
        #expect(try Self.permissions(target) == 0o600)
        #expect(try Self.permissions(target.deletingLastPathComponent()) == 0o700)
        try AtomicFile.write(Data("second, longer".utf8), to: target)
        #expect(try Data(contentsOf: target) == Data("second, longer".utf8))
        let names = try FileManager.default.contentsOfDirectory(atPath: target.deletingLastPathComponent().path)
        #expect(names == ["a.png"])
    }

    @Test func honoursRequestedMode() throws {
        let root = try TestFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let target = root.appendingPathComponent("shared.webp")
        try AtomicFile.write(Data([1, 2, 3]), to: target, mode: 0o640)
        #expect(try Self.permissions(target) == 0o640)
    }

    @Test func failsClearlyWhenTheParentIsAFile() throws {
        let root = try TestFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let blocker = root.appendingPathComponent("blocker")
        try Data().write(to: blocker)
        let error = #expect(throws: ImagingError.self) {
            try AtomicFile.write(Data([1]), to: blocker.appendingPathComponent("x.png"))
        }
        #expect(error?.code == .io && error?.message.contains("not a directory") == true)
    }

    @Test func failedRenameLeavesNoTemporaryFile() throws {
        let root = try TestFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        // The target is an existing non-empty directory: rename fails; nothing else may remain.
        let target = root.appendingPathComponent("occupied")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
        try Data().write(to: target.appendingPathComponent("inside"))
        #expect(throws: ImagingError.self) { try AtomicFile.write(Data([1]), to: target) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["occupied"])
    }
}
