import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation

/// Follows a job until it finishes: `job.progress` notifications drive a live progress line on a
/// terminal (steps, image i/n, ETA); `job.get` polls fill any gap, so nothing is missed.
struct JobFollower {
    let client: RPCClient
    /// Draw the progress bar (stderr is a terminal and not --quiet/--json).
    let showProgress: Bool

    /// Blocks until the job succeeded, failed or was canceled; returns its final state.
    func wait(for id: String) throws -> JobInfo {
        _ = try client.call(EventsSubscribe.self, .init(topics: [EventTopic.job]))
        var info = try client.call(JobGet.self, .init(id: id))
        var lastPoll = Date()
        while !Self.isFinished(info.status) {
            if let n = try client.waitForNotification(timeout: 1), n.params["id"]?.stringValue == id {
                if n.method == "job.progress", let raw = n.params["progress"], let p = try? JSONValueDecoder().decode(JobProgress.self, from: raw) {
                    draw(p)
                } else if n.method == "job.state", let s = try? JSONValueDecoder().decode(JobInfo.self, from: n.params) {
                    info = s
                    continue
                }
            }
            if Date().timeIntervalSince(lastPoll) > 2 {
                info = try client.call(JobGet.self, .init(id: id))
                lastPoll = Date()
            }
        }
        if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        // The state notification may predate the image rows being described; read the final record.
        return try client.call(JobGet.self, .init(id: id))
    }

    static func isFinished(_ status: String) -> Bool { ["succeeded", "failed", "canceled"].contains(status) }

    private func draw(_ p: JobProgress) {
        guard showProgress else { return }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + Self.line(p)).utf8))
    }

    /// `[#########-----------] step 12/28  image 2/4  ETA 0:41` (`refine 3/15` during Ultra's refining
    /// pass); for file jobs `[#########-----------] check 120/1000 files  ETA 0:41`.
    static func line(_ p: JobProgress, width: Int = 24) -> String {
        if let done = p.done, let total = p.total {
            let filled = total > 0 ? width * min(done, total) / total : width
            var s = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]"
            s += " " + (p.phase.map { "\($0) " } ?? "") + "\(done)/\(total) files"
            if let eta = p.etaSeconds { s += "  ETA " + Console.duration(eta) }
            return s
        }
        let total = max(1, p.totalSteps * p.images)
        let done = max(0, min(total, (max(1, p.image) - 1) * p.totalSteps + p.step))
        let filled = width * done / total
        var s = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]"
        s += " " + (p.stage == "refine" ? "refine" : "step") + " \(p.step)/\(p.totalSteps)  image \(p.image)/\(p.images)"
        if let eta = p.etaSeconds { s += "  ETA " + Console.duration(eta) }
        if let detail = p.detail { s += "  " + detail }
        return s
    }
}
