import ArtFactoryDefaultModel
import Foundation
import Logging

/// Installs the embedded default model (`artfactory-shapes`) into `$ARTFACTORY_HOME/models/` on the
/// first start, on a background thread so the socket answers at once; ``ModelRegistry`` waits for it
/// before listing models, so no client ever sees a half-installed folder.
///
/// Rules: the model is copied into a hidden temporary folder, every file fsynced, then renamed into
/// place, so a crash leaves either the whole model or nothing. A marker (`models/.artfactory-shapes.installed`,
/// holding the shipped `training.json`) remembers the install: a user who deletes the model does not get it
/// back on the next start, and an untouched older copy is replaced when a newer one ships.
/// `ARTFACTORY_NO_DEFAULT_MODEL=1` turns installation off (the test suite's daemons use it).
final class DefaultModelInstaller: @unchecked Sendable {
    enum Outcome: Equatable, Sendable {
        case installed, updated, alreadyPresent, removedByUser, disabled, notShipped
        case failed(String)
    }

    private let modelsDir: String
    private let source: String?
    private let logger: Logger?
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var result: Outcome?

    init(modelsDir: String, environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger?) {
        self.modelsDir = modelsDir
        self.logger = logger
        if environment["ARTFACTORY_NO_DEFAULT_MODEL"].map({ $0 == "1" || $0.lowercased() == "true" }) ?? false {
            source = nil
            result = .disabled
        } else {
            source = DefaultModel.bundledDirectory(environment: environment)
            if source == nil { result = .notShipped }
        }
    }

    /// Starts the install on a background thread (returns at once).
    func start() {
        guard result == nil, let source else { done.signal(); return }
        let thread = Thread { [self] in
            let outcome: Outcome
            do { outcome = try install(from: source) } catch { outcome = .failed("\(error)") }
            lock.withLock { result = outcome }
            switch outcome {
            case .installed, .updated:
                logger?.notice("installed the default model", metadata: ["model": .string(DefaultModel.name)])
            case .failed(let why):
                logger?.error("could not install the default model", metadata: ["error": .string(why)])
            default: break
            }
            done.signal()
        }
        thread.name = "default-model-install"
        thread.start()
    }

    /// Blocks until the install has finished (or `timeout` seconds passed); returns the outcome.
    @discardableResult
    func wait(timeout: Double = 60) -> Outcome? {
        if let r = lock.withLock({ result }) { return r }
        if done.wait(timeout: .now() + timeout) == .success { done.signal() }
        return lock.withLock { result }
    }

    private var target: String { modelsDir + "/" + DefaultModel.name }
    private var marker: String { modelsDir + "/." + DefaultModel.name + ".installed" }

    private func install(from source: String) throws -> Outcome {
        let fm = FileManager.default
        let shipped = fm.contents(atPath: source + "/training.json") ?? Data()
        let recorded = fm.contents(atPath: marker)
        let exists = fm.fileExists(atPath: target + "/model_index.json")
        var replacing = false
        if exists {
            // Replace only an untouched copy of an older shipped version.
            guard let recorded, recorded != shipped,
                  fm.contents(atPath: target + "/training.json") == recorded else { return .alreadyPresent }
            replacing = true
        } else if recorded != nil {
            return .removedByUser
        }
        let staging = modelsDir + "/." + DefaultModel.name + ".installing"
        try? fm.removeItem(atPath: staging)
        try copyTree(from: source, to: staging)
        if replacing {
            let old = modelsDir + "/." + DefaultModel.name + ".old"
            try? fm.removeItem(atPath: old)
            try fm.moveItem(atPath: target, toPath: old)
            try fm.moveItem(atPath: staging, toPath: target)
            try? fm.removeItem(atPath: old)
        } else {
            guard rename(staging, target) == 0 else {
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
        }
        try writeSynced(shipped, to: marker)
        syncDirectory(modelsDir)
        return replacing ? .updated : .installed
    }

    private func copyTree(from source: String, to destination: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: destination, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        for name in try fm.contentsOfDirectory(atPath: source).sorted() where !name.hasPrefix(".") {
            let from = source + "/" + name, to = destination + "/" + name
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: from, isDirectory: &isDir) else { continue }
            if isDir.boolValue {
                try copyTree(from: from, to: to)
            } else {
                guard let data = fm.contents(atPath: from) else {
                    throw CocoaError(.fileReadUnknown, userInfo: [NSFilePathErrorKey: from])
                }
                try writeSynced(data, to: to)
            }
        }
        syncDirectory(destination)
    }

    private func writeSynced(_ data: Data, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        try data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
                }
                offset += n
            }
        }
        guard fsync(fd) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }

    private func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 { fsync(fd); close(fd) }
    }
}
