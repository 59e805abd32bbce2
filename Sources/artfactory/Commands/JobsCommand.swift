import ArgumentParser
import ArtFactoryProtocol
import Foundation

/// `artfactory jobs list|watch|cancel|retry`.
struct JobsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "List, follow, cancel and retry queued jobs.",
        subcommands: [List.self, Watch.self, Cancel.self, Retry.self],
        defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List jobs in run order.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this status (repeatable): queued, running, paused, succeeded, failed, canceled.") var status: [String] = []
        @Option(help: "At most this many.") var limit: Int = 50

        func run() throws {
            let result = try global.connect().call(JobList.self, .init(status: status.isEmpty ? nil : status, limit: limit))
            if global.json { return Console.json(try JSONValueEncoder().encode(result)) }
            if result.paused { Console.out("The queue is paused (artfactory queue resume).") }
            Console.table(["ID", "KIND", "STATUS", "PROGRESS", "ERROR"], result.jobs.map { job in
                [job.id, job.kind, job.status, job.progress.map(Self.progress) ?? "",
                 job.error ?? ""]
            })
        }

        /// `step 12/28 image 2/4`, or for imports and exports `store 120/1000 files`.
        static func progress(_ p: JobProgress) -> String {
            if let done = p.done, let total = p.total { return (p.phase.map { "\($0) " } ?? "") + "\(done)/\(total) files" }
            return "step \(p.step)/\(p.totalSteps) image \(p.image)/\(p.images)"
        }
    }

    struct Watch: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Follow a job with a progress bar until it finishes.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Job id.") var id: String

        func run() throws {
            let client = try global.connect()
            let info = try JobFollower(client: client, showProgress: Console.stderrIsTTY && !global.quiet && !global.json).wait(for: id)
            if global.json { return Console.json(try JSONValueEncoder().encode(info)) }
            Console.out("\(info.id) \(info.status)\(info.error.map { ": \($0)" } ?? "")")
            for image in info.images { Console.out(image.path) }
        }
    }

    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a queued or running job.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Job id.") var id: String

        func run() throws {
            let info = try global.connect().call(JobCancel.self, .init(id: id))
            if global.json { return Console.json(try JSONValueEncoder().encode(info)) }
            Console.out("\(info.id) \(info.status)")
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Queue a failed or canceled job again.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Job id.") var id: String

        func run() throws {
            let info = try global.connect().call(JobRetry.self, .init(id: id))
            if global.json { return Console.json(try JSONValueEncoder().encode(info)) }
            Console.out("\(info.id) \(info.status)")
        }
    }
}
