import Foundation
import Testing
@testable import ArtFactoryEngine

/// Model files reached through symbolic links. A Hugging Face cache snapshot is a folder of links to
/// blobs, and the committed fixtures share one CLIP vocabulary (and the inpainting pipeline shares
/// sd1-tiny's text encoder and VAE) through relative links, so every loader must follow them.
@Suite struct SymlinkedModelTests {
    /// Rebuilds a fixture pipeline the way the Hugging Face cache stores it: the bytes in
    /// `blobs/<n>`, and `snapshots/<revision>/<path>` as absolute links to those blobs.
    static func cacheSnapshot(of pipeline: String, in dir: URL) throws -> URL {
        let fm = FileManager.default
        let source = URL(fileURLWithPath: EngineFixtures.pipeline(pipeline)).resolvingSymlinksInPath()
        let blobs = dir.appendingPathComponent("blobs")
        let snapshot = dir.appendingPathComponent("snapshots/5b2c1e0")
        try fm.createDirectory(at: blobs, withIntermediateDirectories: true)
        let walker = try #require(fm.enumerator(atPath: source.path))
        var n = 0
        while let relative = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let file = source.appendingPathComponent(relative)
            guard fm.fileExists(atPath: file.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let blob = blobs.appendingPathComponent("blob\(n)")
            n += 1
            try Data(contentsOf: file).write(to: blob)
            let link = snapshot.appendingPathComponent(relative)
            try fm.createDirectory(at: link.deletingLastPathComponent(), withIntermediateDirectories: true)
            try fm.createSymbolicLink(atPath: link.path, withDestinationPath: blob.path)
        }
        #expect(n >= 10, "\(pipeline): only \(n) files copied")
        return snapshot
    }

    @Test(arguments: ["sd1-tiny", "sd1-inpaint-tiny"])
    func huggingFaceCacheSnapshotLoadsLikeTheFolder(pipeline: String) throws {
        let dir = try EngineFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let snapshot = try Self.cacheSnapshot(of: pipeline, in: dir)
        let weights = snapshot.appendingPathComponent("unet/diffusion_pytorch_model.safetensors").path
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: weights).hasPrefix(dir.path))

        let original = try StableDiffusionModels.load(from: EngineFixtures.pipeline(pipeline))
        let linked = try StableDiffusionModels.load(from: snapshot.path)
        #expect(linked.variant == original.variant)
        #expect(linked.byteCount == original.byteCount)
        #expect(try StableDiffusionModels.estimatedBytes(at: snapshot.path) == StableDiffusionModels.estimatedBytes(at: EngineFixtures.pipeline(pipeline)))
        let refs = try EngineFixtures.references(pipeline)
        let ids = EngineFixtures.tokenRows(try refs.tensor(named: "text.input_ids"))
        expectClose(try linked.textEncoder.encode(tokenIDs: ids, clipSkip: 1), try refs.tensor(named: "text.last_hidden_state"), "\(pipeline) text via links")
        expectClose(try linked.vae.decode(latents: try refs.tensor(named: "vae.latents")), try refs.tensor(named: "vae.decoded"), "\(pipeline) vae via links")

        let prompt = "a photograph of an astronaut riding a horse, (detailed:1.2)"
        let tokenizer = try CLIPTokenizer.load(folder: snapshot.appendingPathComponent("tokenizer"))
        let reference = try CLIPTokenizer.load(folder: URL(fileURLWithPath: EngineFixtures.pipeline(pipeline) + "/tokenizer"))
        #expect(tokenizer.paddedIDs(prompt) == reference.paddedIDs(prompt))
        #expect(tokenizer.paddedIDs(prompt).map(Float.init) == Array((try refs.tensor(named: "text.input_ids")).data.prefix(77)))
        let pipelineLoad = try StableDiffusionPipeline.load(path: snapshot.path)
        #expect(pipelineLoad.tokenizer.padID == reference.padID)
    }

    @Test func singleFileCheckpointThroughALink() throws {
        let dir = try EngineFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let real = EngineFixtures.root + "/single-file/sd2-tiny-original.safetensors"
        let link = dir.appendingPathComponent("sd2.safetensors").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
        #expect(try SingleFileCheckpoint(path: link).variant == .sd2)
        #expect(try StableDiffusionModels.estimatedBytes(at: link) == StableDiffusionModels.estimatedBytes(at: real))
        #expect(try StableDiffusionModels.load(from: link).byteCount == StableDiffusionModels.load(from: real).byteCount)
    }

    @Test func danglingLinkIsNamedAsAMissingFile() throws {
        let dir = try EngineFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let snapshot = try Self.cacheSnapshot(of: "sd1-tiny", in: dir)
        let weights = snapshot.appendingPathComponent("vae/diffusion_pytorch_model.safetensors").path
        try FileManager.default.removeItem(atPath: try FileManager.default.destinationOfSymbolicLink(atPath: weights))
        let error = #expect(throws: EngineError.self) { try StableDiffusionModels.load(from: snapshot.path) }
        #expect(error?.code == "file.missing")
        #expect(error?.path == weights)
    }

    /// The committed fixtures keep one copy of each shared file; the links must be relative (they are
    /// checked out anywhere) and land on sd1-tiny's files.
    @Test(arguments: ["sd2-tiny/tokenizer/vocab.json", "sd2-tiny/tokenizer/merges.txt",
                      "sd1-inpaint-tiny/tokenizer/vocab.json", "sd1-inpaint-tiny/tokenizer/merges.txt",
                      "sd1-inpaint-tiny/text_encoder/model.safetensors", "sd1-inpaint-tiny/text_encoder/config.json",
                      "sd1-inpaint-tiny/vae/diffusion_pytorch_model.safetensors", "sd1-inpaint-tiny/vae/config.json"])
    func sharedFixtureFilesAreRelativeLinks(file: String) throws {
        let url = FixtureFiles.url("pipelines/" + file)
        let destination = try FileManager.default.destinationOfSymbolicLink(atPath: url.path)
        #expect(!destination.hasPrefix("/"), "\(file) -> \(destination)")
        let shared = file.split(separator: "/").dropFirst().joined(separator: "/")
        #expect(url.resolvingSymlinksInPath().path == FixtureFiles.url("pipelines/sd1-tiny/" + shared).resolvingSymlinksInPath().path)
    }
}
