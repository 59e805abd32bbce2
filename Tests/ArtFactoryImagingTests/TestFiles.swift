import Foundation
@testable import ArtFactoryImaging

/// Fixture and temporary-directory helpers shared by the imaging tests.
enum TestFiles {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let fixturesDirectory = testsDirectory.appendingPathComponent("Fixtures")
    static let helpersDirectory = testsDirectory.appendingPathComponent("helpers")

    static func fixture(_ name: String) throws -> Data {
        try Data(contentsOf: fixturesDirectory.appendingPathComponent(name))
    }

    /// A fresh directory for one test; removed by the caller's `defer`.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("artfactory-imaging-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Smooth gradients plus deterministic noise: compresses like a real generated image.
    static func realisticImage(width: Int, height: Int, channels: Int = 3, seed: UInt64 = 42) throws -> PixelBuffer {
        var state = seed
        var bytes = [UInt8](repeating: 255, count: width * height * channels)
        for y in 0..<height {
            for x in 0..<width {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let noise = Int((state >> 59) & 15) - 8
                let base = (y * width + x) * channels
                bytes[base] = UInt8(clamping: x * 255 / max(width - 1, 1) + noise)
                bytes[base + 1] = UInt8(clamping: y * 255 / max(height - 1, 1) + noise)
                bytes[base + 2] = UInt8(clamping: 128 + Int(60 * sin(Double(x + y) / 40)) + noise)
                if channels == 4 { bytes[base + 3] = UInt8(clamping: 255 - x * 128 / max(width - 1, 1)) }
            }
        }
        return try PixelBuffer(width: width, height: height, channels: channels, bytes: bytes)
    }

    /// Whether an executable is on PATH.
    static func hasExecutable(_ name: String) -> Bool {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return paths.contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(name)") }
    }

    /// Runs a program; returns exit status and stdout+stderr.
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static let pythonHasPillow: Bool = {
        guard hasExecutable("python3") else { return false }
        return (try? run("python3", ["-c", "import PIL"]).status) == 0
    }()
}
