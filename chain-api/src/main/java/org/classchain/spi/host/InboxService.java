package org.classchain.spi.host;

import java.nio.file.Path;

/** The folder where files sent to this peer land. Thread-safe; the folder may not exist yet. */
public interface InboxService {

    /** {@return the inbox folder, absolute; never null} Whoever writes to it creates it when missing. */
    Path inbox();
}
