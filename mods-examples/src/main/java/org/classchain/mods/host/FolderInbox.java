package org.classchain.mods.host;

import java.nio.file.Path;
import org.classchain.spi.host.InboxService;

/** An inbox that is a fixed folder. Immutable, thread-safe. */
public final class FolderInbox implements InboxService {
    private final Path folder;

    /**
     * An inbox at a folder.
     *
     * @param folder made absolute; need not exist yet
     */
    public FolderInbox(Path folder) {
        this.folder = folder.toAbsolutePath().normalize();
    }

    /** {@return the default inbox: {@code ClassChain/Inbox} in the user's home folder} */
    public static FolderInbox inHome() {
        return new FolderInbox(Path.of(System.getProperty("user.home"), "ClassChain", "Inbox"));
    }

    @Override
    public Path inbox() {
        return folder;
    }

    @Override
    public String toString() {
        return "FolderInbox[" + folder + "]";
    }
}
