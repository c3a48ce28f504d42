/**
 * ClassChain's types and SPIs: what a command module, a transport or a block store compiles
 * against, and nothing but the JDK.
 */
module org.classchain.api {
    exports org.classchain;
    exports org.classchain.spi;
    exports org.classchain.spi.host;
    exports org.classchain.wire;
}
