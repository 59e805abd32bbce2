import ArgumentParser
import ArtFactoryProtocol

/// `artfactory gallery upscale img_…`: enlarge an image with a learned upscaler, stored as its child.
struct GalleryUpscaleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upscale",
        abstract: "Enlarge a gallery image 2x or 4x with a learned upscaler; the result is a new image, a child of the original.",
        discussion: """
        Uses the upscalers in $ARTFACTORY_HOME/upscalers/ (see `artfactory upscalers list`). The upscale runs as a \
        job on the engine lane; by default this command waits for it, with a progress bar on a terminal; --no-wait \
        prints the job id at once.
        """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "2 or 4 (default: the upscaler's own scale).") var factor: Int?
    @Option(help: "Upscaler name (default: config.json upscaler, else the fastest installed).") var upscaler: String?
    @Flag(name: .customLong("no-wait"), help: "Queue the upscale and print its job id without waiting.") var noWait = false
    @Argument(help: "Gallery image id (img_...).") var id: String

    func validate() throws {
        if let factor, ![2, 4].contains(factor) { throw ValidationError("--factor must be 2 or 4.") }
    }

    func run() throws {
        let client = try global.connect()
        let queued = try client.call(GalleryUpscale.self, .init(id: id, factor: factor, upscaler: upscaler))
        if noWait { return try GalleryJobOutput.queued(queued, global: global) }
        let job = try JobFollower(client: client, showProgress: Console.stderrIsTTY && !global.quiet && !global.json).wait(for: queued.id)
        if global.json {
            try GalleryCommand.printJSON(job)
        } else if !global.quiet {
            for image in job.images { Console.out("\(image.assetId)  \(image.width)x\(image.height)  \(image.path)") }
        }
        try GalleryJobOutput.requireSuccess(job, what: "Upscale")
    }
}
