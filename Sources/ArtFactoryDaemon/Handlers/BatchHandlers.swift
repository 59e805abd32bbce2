import ArtFactoryProtocol

extension Daemon {
    /// batch.submit.
    func registerBatchMethods(_ service: GenerationService) {
        table.register(BatchSubmit.self, on: .worker) { params, _ in try service.submitBatch(params) }
    }
}
