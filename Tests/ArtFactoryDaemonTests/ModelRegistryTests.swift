@testable import ArtFactoryDaemon
import Foundation
import Glibc
import Testing
import TestSupport

/// Model sizes (`models.list` bytes and the cache's estimate before loading) for folders made of
/// symbolic links, as a Hugging Face cache snapshot is.
@Suite struct ModelRegistryTests {
    @Test func linkedFilesAndFoldersCountWhatTheyPointTo() throws {
        let dir = try TestPaths.makeTempDir(prefix: "afmr")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fm = FileManager.default
        for sub in ["blobs", "snapshot/unet", "snapshot/vae", "models"] {
            try fm.createDirectory(atPath: dir + "/" + sub, withIntermediateDirectories: true)
        }
        try Data(count: 1000).write(to: URL(fileURLWithPath: dir + "/blobs/a"))
        try Data(count: 234).write(to: URL(fileURLWithPath: dir + "/blobs/b"))
        try Data(count: 10).write(to: URL(fileURLWithPath: dir + "/snapshot/model_index.json"))
        #expect(symlink(dir + "/blobs/a", dir + "/snapshot/unet/diffusion_pytorch_model.safetensors") == 0)
        #expect(symlink("../../blobs/b", dir + "/snapshot/vae/diffusion_pytorch_model.safetensors") == 0)
        #expect(symlink(dir + "/blobs/missing", dir + "/snapshot/vae/config.json") == 0)  // dangling: nothing
        #expect(symlink(dir + "/snapshot", dir + "/models/linked-folder") == 0)
        #expect(symlink(dir + "/blobs/a", dir + "/models/linked.safetensors") == 0)

        #expect(ModelRegistry.size(of: dir + "/snapshot") == 1244)
        #expect(ModelRegistry.size(of: dir + "/models/linked-folder") == 1244)
        #expect(ModelRegistry.size(of: dir + "/models/linked.safetensors") == 1000)
        #expect(ModelRegistry.size(of: dir + "/models/absent") == 0)
    }
}
