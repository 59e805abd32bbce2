import ArgumentParser
import ArtFactoryProtocol

/// `artfactory queue pause|resume|move`.
struct QueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Pause, resume or reorder the job queue.",
        subcommands: [Pause.self, Resume.self, Move.self])

    struct Pause: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop starting jobs (the running one finishes).")
        @OptionGroup var global: GlobalOptions
        func run() throws { QueueCommand.report(try global.connect().call(QueuePause.self, NoParams()), global) }
    }

    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start jobs again.")
        @OptionGroup var global: GlobalOptions
        func run() throws { QueueCommand.report(try global.connect().call(QueueResume.self, NoParams()), global) }
    }

    struct Move: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move a waiting job to a place in the queue (0 = next).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Job id.") var id: String
        @Argument(help: "New index, 0 = next.") var index: Int
        func run() throws {
            let result = try global.connect().call(QueueReorder.self, .init(id: id, index: index))
            if global.json { return Console.json((try? JSONValueEncoder().encode(result)) ?? .null) }
            for (i, job) in result.jobs.enumerated() { Console.out("\(i)  \(job.id)  \(job.status)") }
        }
    }

    static func report(_ r: QueuePause.Result, _ global: GlobalOptions) {
        if global.json { return Console.json(["paused": .bool(r.paused), "queued": .int(Int64(r.queued))]) }
        if !global.quiet { Console.out("Queue \(r.paused ? "paused" : "running"); \(r.queued) job(s) waiting.") }
    }
}
