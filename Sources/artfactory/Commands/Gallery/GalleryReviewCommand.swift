import ArgumentParser
import ArtFactoryProtocol

/// Options shared by `gallery approve`, `gallery reject` and `gallery unreview`.
struct GalleryReviewOptions: ParsableArguments {
    @Argument(help: "Image ids (or use filter options such as --project or --tag).") var ids: [String] = []
    @OptionGroup var filters: GalleryFilterOptions
    @Option(help: "Why (kept with the review; shown in gallery reviews).") var reason: String?

    func validate() throws {
        if ids.isEmpty && filters.filter == nil {
            throw ValidationError("Give image ids, or filter options (--project, --collection, --tag, --model, --min-rating, --favorites).")
        }
        if !ids.isEmpty && filters.filter != nil { throw ValidationError("Give image ids or filter options, not both.") }
        if let reason, reason.count > 2000 { throw ValidationError("Keep the reason to 2000 characters.") }
    }

    func run(_ global: GlobalOptions, _ verdict: GalleryReview.Verdict) throws {
        let params = GalleryReview.Params(verdict: verdict, ids: ids.isEmpty ? nil : ids, filter: ids.isEmpty ? filters.filter : nil, reason: reason)
        let r = try global.connect().call(GalleryReview.self, params)
        if global.json { return try GalleryCommand.printJSON(r) }
        let verb = switch verdict {
        case .approve: "approved"
        case .reject: "rejected"
        case .clear: "cleared the review of"
        }
        if !global.quiet { Console.out("\(verb) \(r.updated) image(s) (\(r.changed) changed)") }
    }
}

/// `artfactory gallery approve ID... [--reason TEXT]`.
struct GalleryApproveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "approve", abstract: "Approve images (ids or a filter); approvals feed analytics and exploration.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var review: GalleryReviewOptions
    func run() throws { try review.run(global, .approve) }
}

/// `artfactory gallery reject ID... [--reason TEXT]`.
struct GalleryRejectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reject", abstract: "Reject images (ids or a filter), optionally saying why.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var review: GalleryReviewOptions
    func run() throws { try review.run(global, .reject) }
}

/// `artfactory gallery unreview ID...`.
struct GalleryUnreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unreview", abstract: "Clear the approve/reject verdict of images (the history is kept).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var review: GalleryReviewOptions
    func run() throws { try review.run(global, .clear) }
}

/// `artfactory gallery reviews ID`: the review history of one image.
struct GalleryReviewsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reviews", abstract: "Show the approve/reject history of an image.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Image id.") var id: String

    func run() throws {
        let r = try global.connect().call(GalleryReviews.self, .init(id: id))
        if global.json { return try GalleryCommand.printJSON(r) }
        Console.out("\(r.id): \(r.verdict.rawValue)")
        Console.table(["TIME", "VERDICT", "SOURCE", "REASON"], r.reviews.map {
            [AnalyticsCommand.time($0.createdAt), $0.verdict.rawValue, $0.source, $0.reason ?? ""]
        })
    }
}
