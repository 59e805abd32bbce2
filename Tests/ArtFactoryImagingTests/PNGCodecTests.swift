import Foundation
import Testing
@testable import ArtFactoryImaging

@Suite struct PNGCodecTests {
    @Test func rgbAndRGBARoundTripExactlyAtEveryFilter() throws {
        for channels in [3, 4] {
            let image = try TestFiles.realisticImage(width: 37, height: 23, channels: channels)
            for filter in PNGEncoder.Filter.allCases {
                let data = try PNGEncoder(compressionLevel: 1, filter: filter).encode(image)
                #expect(try PNGDecoder.decode(data) == image, "filter \(filter) channels \(channels)")
            }
        }
    }

    @Test func parallelWriterRoundTripsAtEveryFilterWithTextChunks() throws {
        let chunks = [PNGTextChunk(kind: .tEXt, keyword: "parameters", text: "a, b\nSteps: 3"),
                      PNGTextChunk(kind: .zTXt, keyword: "Comment", text: String(repeating: "zipped ", count: 40)),
                      PNGTextChunk(kind: .iTXt, keyword: "artfactory", text: #"{"prompt":"城"}"#)]
        for channels in [3, 4] {
            let image = try TestFiles.realisticImage(width: 700, height: 401, channels: channels)
            for filter in PNGEncoder.Filter.allCases where filter != .adaptive {
                let encoder = PNGEncoder(compressionLevel: 2, filter: filter)
                let data = try encoder.encode(image, textChunks: chunks)
                let serial = try PNGEncoder(compressionLevel: 2, filter: filter, parallel: false).encode(image, textChunks: chunks)
                #expect(data != serial, "large images should take the parallel path")
                #expect(try PNGDecoder.decode(data) == image, "filter \(filter) channels \(channels)")
                #expect(try PNGTextChunk.readAll(from: data) == PNGTextChunk.readAll(from: serial))
            }
        }
    }

    @Test func decodesPillowFixturesOfEveryColorType() throws {
        let rgb = try PNGDecoder.decode(TestFiles.fixture("rgb8.png"))
        #expect(rgb.width == 64 && rgb.height == 48 && rgb.channels == 3)
        // Fixture pixel formula: (x*255/63, y*255/47, (x+y)*97 % 256).
        #expect(rgb.value(x: 10, y: 20, channel: 0) == UInt8(10 * 255 / 63))
        #expect(rgb.value(x: 10, y: 20, channel: 1) == UInt8(20 * 255 / 47))
        #expect(rgb.value(x: 10, y: 20, channel: 2) == UInt8((30 * 97) % 256))
        let rgba = try PNGDecoder.decode(TestFiles.fixture("rgba8.png"))
        #expect(rgba.channels == 4 && !rgba.isOpaque)
        #expect(try PNGDecoder.decode(TestFiles.fixture("palette.png")).channels == 3)
        #expect(try PNGDecoder.decode(TestFiles.fixture("palette_trns.png")).channels == 4)
        let grayAlpha = try PNGDecoder.decode(TestFiles.fixture("gray_alpha.png"))
        #expect(grayAlpha.channels == 4)
        let gray = try PNGDecoder.decode(TestFiles.fixture("gray8.png"))
        #expect(gray.channels == 3 && gray.value(x: 5, y: 5, channel: 0) == gray.value(x: 5, y: 5, channel: 2))
    }

    @Test func interlacedSubByteAndSixteenBitLayoutsMatchPillowReferences() throws {
        let adam7 = try PNGDecoder.decode(TestFiles.fixture("adam7.png"))
        #expect(adam7 == (try PNGDecoder.decode(TestFiles.fixture("adam7_expected.png"))))
        let gray4 = try PNGDecoder.decode(TestFiles.fixture("gray4.png"))
        #expect(gray4 == (try PNGDecoder.decode(TestFiles.fixture("gray4_expected.png"))))
        let deep = try PNGDecoder.decode(TestFiles.fixture("rgba16_gama.png"))
        let reference = try PNGDecoder.decode(TestFiles.fixture("rgba16_gama_expected.png"))
        #expect(deep.channels == 4 && deep.width == reference.width && deep.height == reference.height)
        // 16 -> 8 bit rounding may differ by one between libpng and the reference formula; gAMA is not applied.
        #expect(zip(deep.bytes, reference.bytes).allSatisfy { abs(Int($0) - Int($1)) <= 1 })
    }

    @Test func sixteenBitGrayIsReducedMonotonicallyToFullRange() throws {
        let image = try PNGDecoder.decode(TestFiles.fixture("gray16.png"))
        #expect(image.width == 32 && image.channels == 3)
        let row = (0..<32).compactMap { image.value(x: $0, y: 3, channel: 1) }
        #expect(row.first == 0 && row.last == 255)
        // Samples are scaled as stored (v / 257), not converted from linear light: x=16 holds 33824 -> 132.
        #expect(row[8] == 66 && row[16] == 132 && row[24] == 197)
        #expect(zip(row, row.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test func textChunksAreWrittenAndReadBackInOrder() throws {
        let image = try TestFiles.realisticImage(width: 16, height: 16)
        let json = #"{"prompt":"ein Schloß — 城","seed":7}"#
        let data = try PNGEncoder().encode(image, parameters: "a castle\nSteps: 20, Sampler: Euler a, CFG scale: 7", recordJSON: json)
        let chunks = try PNGTextChunk.readAll(from: data)
        #expect(chunks.map(\.keyword) == ["parameters", "artfactory"])
        #expect(chunks[0].kind == .tEXt && chunks[0].text.hasPrefix("a castle\nSteps: 20"))
        #expect(chunks[1].kind == .iTXt && chunks[1].text == json)
        #expect(try PNGDecoder.decode(data) == image)
    }

    @Test func nonLatinTextRequestedAsTEXtIsStoredAsITXt() throws {
        let image = try TestFiles.realisticImage(width: 4, height: 4)
        let chunk = PNGTextChunk(kind: .tEXt, keyword: "parameters", text: "猫 on a mat 🎨")
        let data = try PNGEncoder().encode(image, textChunks: [chunk])
        let read = try PNGTextChunk.readAll(from: data)
        #expect(read.first?.kind == .iTXt && read.first?.text == "猫 on a mat 🎨")
    }

    @Test func zTXtAndCompressedITXtFromPillowAreInflated() throws {
        let chunks = try PNGTextChunk.readAll(from: TestFiles.fixture("text_exif.png"))
        let comment = try #require(chunks.first { $0.keyword == "Comment" })
        #expect(comment.kind == .zTXt && comment.text.hasPrefix("compressed latin-1 text: café"))
        let title = try #require(chunks.first { $0.keyword == "Title" })
        #expect(title.kind == .iTXt && title.languageTag == "ja" && title.translatedKeyword == "題名")
        #expect(title.text.hasPrefix("日本語のタイトル 🎨"))
        #expect(chunks.first { $0.keyword == "Author" }?.text == "plain iTXt")
    }

    @Test func manyInflatingTextChunksHitTheTotalBudget() throws {
        // 5 zTXt chunks of 256 KiB of spaces each: each under the per-chunk cap, together over a 1 MiB budget.
        let image = try TestFiles.realisticImage(width: 4, height: 4)
        let big = String(repeating: " ", count: 256 << 10)
        let chunks = (0..<5).map { PNGTextChunk(kind: .zTXt, keyword: "Comment\($0)", text: big) }
        let data = try PNGEncoder().encode(image, textChunks: chunks)
        #expect(data.count < 64 << 10)
        let error = #expect(throws: ImagingError.self) { try PNGTextChunk.readAll(from: data, budget: 1 << 20) }
        #expect(error?.code == .tooLarge)
        #expect(try PNGTextChunk.readAll(from: data).count == 5)
    }

    @Test func metadataConvenienceWritesA1111Parameters() throws {
        let image = try TestFiles.realisticImage(width: 4, height: 4)
        let metadata = GenerationMetadata(source: .artfactory, prompt: "owl", steps: 9, cfgScale: 4, seed: 11)
        let data = try PNGEncoder().encode(image, metadata: metadata, recordJSON: #"{"prompt":"owl"}"#)
        let parameters = try PNGTextChunk.readAll(from: data).first { $0.keyword == "parameters" }
        #expect(parameters?.text == "owl\nSteps: 9, CFG scale: 4, Seed: 11")
    }

    @Test func ourZTXtIsReadBack() throws {
        let image = try TestFiles.realisticImage(width: 4, height: 4)
        let text = String(repeating: "long latin-1 comment ", count: 50)
        let data = try PNGEncoder().encode(image, textChunks: [PNGTextChunk(kind: .zTXt, keyword: "Comment", text: text)])
        let read = try PNGTextChunk.readAll(from: data)
        #expect(read == [PNGTextChunk(kind: .zTXt, keyword: "Comment", text: text)])
    }

    @Test func invalidKeywordAndLevelAreRejectedWithClearErrors() throws {
        let image = try TestFiles.realisticImage(width: 4, height: 4)
        let keyword = #expect(throws: ImagingError.self) {
            try PNGEncoder().encode(image, textChunks: [PNGTextChunk(kind: .tEXt, keyword: "", text: "x")])
        }
        #expect(keyword?.code == .invalidArgument)
        let level = #expect(throws: ImagingError.self) { try PNGEncoder(compressionLevel: 12).encode(image) }
        #expect(level?.code == .invalidArgument && level?.message.contains("0...9") == true)
    }

    @Test func stripRemovesExifTextAndPrivateChunksButKeepsPixels() throws {
        let original = try TestFiles.fixture("text_exif.png")
        let stripped = try PNGStripper().strip(original)
        let types = try PNGChunkReader.chunks(in: stripped).map(\.type)
        #expect(types == ["IHDR", "IDAT", "IEND"])
        #expect(try PNGDecoder.decode(stripped) == PNGDecoder.decode(original))
        let keepText = try PNGStripper(alsoKeep: ["zTXt", "iTXt"]).strip(original)
        #expect(try PNGChunkReader.chunks(in: keepText).map(\.type) == ["IHDR", "zTXt", "iTXt", "iTXt", "IDAT", "IEND"])
    }

    @Test func chunkWalkerRejectsBadCRC() throws {
        var data = try TestFiles.fixture("rgb8.png")
        data[data.count - 20] ^= 0xFF  // inside the last IDAT
        let error = #expect(throws: ImagingError.self) { try PNGChunkReader.chunks(in: data) }
        #expect(error?.code == .corrupt)
    }

    @Test func truncatedPNGIsReportedAsTruncated() throws {
        let data = try PNGEncoder().encode(TestFiles.realisticImage(width: 64, height: 64))
        for cut in [20, 40, data.count / 2, data.count - 5] {
            let error = #expect(throws: ImagingError.self) { try PNGDecoder.decode(data.prefix(cut)) }
            #expect(error?.code == .truncated, "cut at \(cut): \(String(describing: error))")
        }
    }
}
