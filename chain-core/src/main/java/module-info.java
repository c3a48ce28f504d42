/**
 * The peer, without networking. An embedding app builds a {@code org.classchain.core.peer.Peer}
 * (its builder takes a {@code ModuleRegistry} and {@code Policy} from {@code dispatch},
 * {@code PeerThreads} from {@code exec}, a {@code PasswordPolicy} from {@code auth}), talks to
 * peers as a teacher with {@code client}, simulates a classroom with {@code net}'s in-memory
 * network, and checks a data dir offline with {@code store}, {@code chain}, {@code validation}
 * and {@code block}'s codecs (which a transport also uses). {@code files} keeps and fetches the files sent off the chain. {@code identity} is exported because
 * public types of {@code auth} and {@code dispatch} take a {@code NodeIdentity}. {@code cache}
 * and {@code mining} are internal.
 */
module org.classchain.core {
    requires transitive org.classchain.api;
    requires transitive com.fasterxml.jackson.databind;
    requires org.bouncycastle.provider;
    requires org.slf4j;

    exports org.classchain.core.peer;
    exports org.classchain.core.client;
    exports org.classchain.core.dispatch;
    exports org.classchain.core.exec;
    exports org.classchain.core.auth;
    exports org.classchain.core.identity;
    exports org.classchain.core.net;
    exports org.classchain.core.block;
    exports org.classchain.core.store;
    exports org.classchain.core.chain;
    exports org.classchain.core.validation;
    exports org.classchain.core.files;
    // for the Jetty transport only: its rate limit shares the peer's token buckets
    exports org.classchain.core.limit to org.classchain.http;

    uses org.classchain.spi.CommandModule;
}
