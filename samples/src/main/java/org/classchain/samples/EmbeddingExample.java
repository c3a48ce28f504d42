package org.classchain.samples;

import java.nio.file.Path;
import org.classchain.Block;
import org.classchain.PeerListener;
import org.classchain.core.peer.Peer;
import org.classchain.http.JettyTransport;

/**
 * The README's embedding example, verbatim between the markers: an app that runs a student peer
 * of a classroom and hears about every block. {@code EmbeddingExampleTest} runs exactly this.
 */
public final class EmbeddingExample {
    private EmbeddingExample() {
    }

    /** Starts a student peer that joins the classroom at {@code teacherUrl}; the caller closes it. */
    public static Peer joinClassroom(String teacherUrl, Path dataDir) throws Exception {
        // README:embed:start
        Peer peer = Peer.builder()
                .dataDir(dataDir)                                   // key, chain, journal
                .transport(JettyTransport.builder().host("127.0.0.1").port(0).build())
                .seed(teacherUrl)                                   // join as a STUDENT
                .listener(new PeerListener() {
                    @Override
                    public void blockAppended(Block block) {
                        System.out.println("block #" + block.height() + ": " + block.payload().commands());
                    }
                })
                .build();
        peer.start();                                               // returns once joined
        // README:embed:end
        return peer;
    }
}
