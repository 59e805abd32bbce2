import ArtFactoryProtocol

extension Daemon {
    /// queue.pause, queue.resume, queue.reorder.
    func registerQueueMethods(_ service: GenerationService) {
        table.register(QueuePause.self, on: .worker) { _, _ in
            try service.setPaused(true)
            return try service.queueState()
        }
        table.register(QueueResume.self, on: .worker) { _, _ in
            try service.setPaused(false)
            return try service.queueState()
        }
        table.register(QueueReorder.self, on: .worker) { params, _ in
            guard params.index >= 0 else { throw RPCError.invalidParams("index must be 0 or more", field: "index") }
            try CatalogErrors.map { try service.catalog.moveJob(params.id, toIndex: params.index) }
            return try service.list(JobList.Params(status: ["queued", "paused"]))
        }
    }
}
