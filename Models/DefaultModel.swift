import Foundation

/// The embedded default model, `artfactory-shapes`: a small text-to-image model trained by the project
/// (Scripts/train-default-model, docs/default-model.md), shipped as a resource of this target so that a
/// fresh install can generate without downloading anything.
public enum DefaultModel {
    /// The model's name in `$ARTFACTORY_HOME/models/`.
    public static let name = "artfactory-shapes"

    /// Where the shipped copy is: `ARTFACTORY_DEFAULT_MODEL_DIR` when set, else the resource bundle next
    /// to the running executable (SwiftPM's `<package>_<target>.resources`), else nil. Looked up by hand
    /// rather than with `Bundle.module`, whose accessor stops the process when the bundle is missing.
    public static func bundledDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        let fm = FileManager.default
        if let dir = environment["ARTFACTORY_DEFAULT_MODEL_DIR"], !dir.isEmpty {
            return fm.fileExists(atPath: dir + "/model_index.json") ? dir : nil
        }
        var candidates: [String] = []
        if let exe = Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent().path {
            candidates.append(exe + "/ArtFactory_ArtFactoryDefaultModel.resources/" + name)
            candidates.append(exe + "/../share/artfactory/models/" + name)
        }
        if let url = Bundle.main.resourceURL?.appendingPathComponent("ArtFactory_ArtFactoryDefaultModel.resources/" + name) {
            candidates.append(url.path)
        }
        return candidates.first { fm.fileExists(atPath: $0 + "/model_index.json") }
    }
}
