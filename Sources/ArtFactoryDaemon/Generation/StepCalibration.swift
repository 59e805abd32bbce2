import ArtFactoryCatalog
import Foundation

/// Measured seconds per denoising step, per model and image size, kept in the catalog's settings
/// (`calibration.<model>.<w>x<h>`) so estimates survive restarts. Updated after every generation
/// with a moving average; read for ETAs and `generate --estimate`.
final class StepCalibration: @unchecked Sendable {
    private let catalog: CatalogDatabase
    private let lock = NSLock()
    private var memory: [String: Double] = [:]

    init(catalog: CatalogDatabase) { self.catalog = catalog }

    private static func key(_ model: String, _ width: Int, _ height: Int) -> String { "calibration.\(model).\(width)x\(height)" }

    /// The measured step time, or one scaled from another measured size of the same model (time grows
    /// with pixel count), or nil when the model was never run.
    func secondsPerStep(model: String, width: Int, height: Int) -> Double? {
        let key = Self.key(model, width, height)
        lock.lock()
        let cached = memory[key]
        lock.unlock()
        if let cached { return cached }
        if case .double(let value)? = try? catalog.setting(key) { return value }
        guard let all = try? catalog.settings(prefix: "calibration.\(model).") else { return nil }
        for (other, value) in all {
            let size = other.split(separator: ".").last?.split(separator: "x").compactMap { Double($0) } ?? []
            guard size.count == 2, size[0] * size[1] > 0, case .double(let seconds) = value else { continue }
            return seconds * Double(width * height) / (size[0] * size[1])
        }
        return nil
    }

    /// Folds a new measurement in (70% old, 30% new) and stores it.
    func record(model: String, width: Int, height: Int, secondsPerStep: Double) {
        let key = Self.key(model, width, height)
        lock.lock()
        let blended = memory[key].map { $0 * 0.7 + secondsPerStep * 0.3 } ?? secondsPerStep
        memory[key] = blended
        lock.unlock()
        try? catalog.setSetting(key, .double(blended))
    }
}
