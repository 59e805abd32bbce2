import ArtFactoryEngine
import ArtFactoryImaging
import ArtFactoryProtocol
import Foundation

/// The learned upscalers in `$ARTFACTORY_HOME/upscalers/` (`.safetensors` and PyTorch `.pth` files of
/// the ESRGAN family; symbolic links are followed like the models folder's) and the loaded networks.
///
/// The folder is scanned on each call; a file is loaded once per (size, modification time) to learn
/// its architecture and kept in memory (upscalers are 5–70 MB). A file that cannot be used (refused
/// `.pth`, unknown architecture) is listed with its error and never chosen. Thread-safe.
final class UpscalerRegistry: @unchecked Sendable {
    /// One file found.
    struct Entry: Sendable, Equatable {
        var name: String
        var format: String
        var path: String
        var bytes: Int64
        /// `RRDBNet` / `SRVGGNetCompact`, nil when the file could not be used.
        var architecture: String?
        var scale: Int?
        /// Multiply-adds per input pixel (for "fastest").
        var cost: Int?
        /// Why the file cannot be used.
        var error: String?
    }

    let directory: String
    let configFile: String
    private let lock = NSLock()
    private var loaded: [String: (stamp: String, upscaler: Result<Upscaler, EngineError>)] = [:]

    init(directory: String, configFile: String) {
        self.directory = directory
        self.configFile = configFile
    }

    /// Every upscaler file, sorted by name.
    func scan() -> [Entry] {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: directory) else { return [] }
        var entries: [Entry] = []
        for name in names where !name.hasPrefix(".") {
            let lower = name.lowercased()
            guard let ext = [".safetensors", ".pth", ".pt"].first(where: { lower.hasSuffix($0) }) else { continue }
            let path = directory + "/" + name
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue else { continue }  // follows links
            var entry = Entry(name: String(name.dropLast(ext.count)), format: ext == ".safetensors" ? "safetensors" : "pth",
                              path: path, bytes: ModelRegistry.size(of: path))
            switch load(path) {
            case .success(let upscaler):
                entry.architecture = upscaler.architecture.name
                entry.scale = upscaler.scale
                entry.cost = upscaler.architecture.costPerInputPixel
            case .failure(let error):
                entry.error = error.message
            }
            entries.append(entry)
        }
        return entries.sorted { $0.name < $1.name }
    }

    /// The configured upscaler (`upscaler` in config.json) when usable, else the fastest usable one.
    func defaultName(among entries: [Entry]) -> String? {
        let usable = entries.filter { $0.error == nil && ($0.scale ?? 1) > 1 }
        if let data = FileManager.default.contents(atPath: configFile),
           let value = try? JSONParser().parse(String(decoding: data, as: UTF8.self)),
           case .string(let name)? = value["upscaler"], usable.contains(where: { $0.name == name }) {
            return name
        }
        return usable.min { ($0.cost ?? .max, $0.name) < ($1.cost ?? .max, $1.name) }?.name
    }

    /// The upscaler called `name`, or the default when `name` is nil (nil when none is installed).
    /// - Throws: `notFound` naming the installed ones; `invalidParams` for a file that cannot be used.
    func resolve(_ name: String?) throws -> Entry? {
        let entries = scan()
        guard let wanted = name ?? defaultName(among: entries) else { return nil }
        guard let entry = entries.first(where: { $0.name == wanted }) else {
            let known = entries.filter { $0.error == nil }.map(\.name).joined(separator: ", ")
            throw RPCError(code: RPCErrorCode.notFound,
                           message: "Unknown upscaler '\(wanted)'. Installed: \(known.isEmpty ? "none" : known) (copy .safetensors or .pth files into \(directory); see `artfactory upscalers list`).",
                           data: ["kind": "notFound", "object": "upscaler", "id": .string(wanted)])
        }
        if let error = entry.error {
            throw RPCError.invalidParams("upscaler '\(wanted)' cannot be used: \(error)", field: "upscaler")
        }
        return entry
    }

    /// The loaded network of a usable entry.
    func upscaler(_ entry: Entry) throws -> Upscaler {
        switch load(entry.path) {
        case .success(let upscaler): return upscaler
        case .failure(let error):
            throw RPCError(code: RPCErrorCode.unavailable, message: "Upscaler '\(entry.name)' could not be loaded: \(error.message)",
                           data: ["kind": "unavailable"])
        }
    }

    /// `pixels` enlarged `factor` times with the learned upscaler: passes of the network until the
    /// size reaches `factor` (x4 once for 4×; x2 twice for 4×), then a Lanczos resize to exactly
    /// `factor` × (a x4 network for 2× is resized down, as hires-fix tools do).
    static func upscale(_ pixels: PixelBuffer, factor: Int, with upscaler: Upscaler,
                        progress: UpscaleProgressHandler? = nil) throws -> PixelBuffer {
        let rgb = pixels.channels == 3 ? pixels : pixels.rgb()
        var image = try RGBImage(width: rgb.width, height: rgb.height, pixels: rgb.bytes)
        var reached = 1
        repeat {
            image = try upscaler.upscale(image, tiling: upscaler.recommendedTiling, progress: progress)
            reached *= upscaler.scale
        } while reached < factor && upscaler.scale > 1
        let out = try PixelBuffer(width: image.width, height: image.height, channels: 3, bytes: image.pixels)
        let (w, h) = (pixels.width * factor, pixels.height * factor)
        return out.width == w && out.height == h ? out : try Resampler().resize(out, width: w, height: h)
    }

    private func load(_ path: String) -> Result<Upscaler, EngineError> {
        var st = stat()
        let stamp = stat(path, &st) == 0 ? "\(st.st_size)-\(st.st_mtim.tv_sec)-\(st.st_mtim.tv_nsec)" : ""
        if let cached = lock.withLock({ loaded[path] }), cached.stamp == stamp { return cached.upscaler }
        let result: Result<Upscaler, EngineError>
        do {
            result = .success(try Upscaler(path: path))
        } catch let error as EngineError {
            result = .failure(error)
        } catch {
            result = .failure(EngineError(code: "upscaler.load", message: "\(error)", path: path))
        }
        lock.withLock { loaded[path] = (stamp, result) }
        return result
    }
}
