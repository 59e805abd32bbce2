/// ArtFactoryDaemon module. Real contents land with its issue.
public enum ArtFactoryDaemonModule {}
