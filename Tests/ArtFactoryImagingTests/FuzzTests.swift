import ArtFactoryPrompts
import Foundation
import Testing
@testable import ArtFactoryImaging

/// Feeds hostile bytes to every decoder: each input must give a thrown ``ImagingError`` or a valid image,
/// never a crash, hang or exit.
@Suite struct FuzzTests {
    static func mutate(_ original: Data, using random: inout SplitMix64) -> Data {
        var data = original
        switch random.next() % 4 {
        case 0:  // truncate
            return data.prefix(Int(random.next() % UInt64(data.count)))
        case 1:  // flip a few bytes
            for _ in 0..<(1 + random.next() % 8) {
                let index = Int(random.next() % UInt64(data.count))
                data[index] ^= UInt8(truncatingIfNeeded: random.next() | 1)
            }
            return data
        case 2:  // overwrite a run in the header area (lengths, sizes, markers)
            let start = Int(random.next() % UInt64(min(data.count, 64)))
            for index in start..<min(data.count, start + 1 + Int(random.next() % 6)) {
                data[index] = UInt8(truncatingIfNeeded: random.next())
            }
            return data
        default:  // insert or duplicate a slice
            let index = Int(random.next() % UInt64(data.count))
            let length = Int(random.next() % 32)
            let slice = data[index..<min(data.count, index + length)]
            data.insert(contentsOf: slice, at: Int(random.next() % UInt64(data.count)))
            return data
        }
    }

    static func survive(_ data: Data) -> Bool {
        do {
            let decoded = try ImageDecoder(limits: ImageLimits(maxBytes: 1 << 20, maxPixels: 1 << 22)).decode(data)
            return decoded.pixels.bytes.count == decoded.pixels.width * decoded.pixels.height * decoded.pixels.channels
        } catch is ImagingError {
            return true
        } catch {
            return false
        }
    }

    @Test(arguments: ["png", "jpeg", "webp"])
    func fiveHundredMutationsNeverCrash(format: String) throws {
        let image = try TestFiles.realisticImage(width: 40, height: 30, channels: format == "jpeg" ? 3 : 4)
        let original: Data
        switch format {
        case "png":
            original = try PNGEncoder().encode(image, parameters: "fuzz\nSteps: 1, Seed: 2, CFG scale: 3", recordJSON: "{}")
        case "jpeg":
            original = try TestFiles.fixture("photo.jpg")
        default:
            original = try WebPEncoder(quality: 70).encode(image)
        }
        var random = SplitMix64(seed: 0xA11CE + UInt64(format.count))
        var failures = 0
        for _ in 0..<500 {
            let mutated = Self.mutate(original, using: &random)
            if !Self.survive(mutated) { failures += 1 }
            if format == "png" { _ = try? PNGTextChunk.readAll(from: mutated); _ = try? PNGStripper().strip(mutated) }
        }
        #expect(failures == 0)
    }
}
