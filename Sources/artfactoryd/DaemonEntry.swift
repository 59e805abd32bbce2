@main
struct ArtFactoryDaemonMain { static func main() {} }
