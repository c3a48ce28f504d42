/** The REST transport on Jetty 12 and the teacher's browser console. */
module org.classchain.http {
    requires transitive org.classchain.core;
    requires org.eclipse.jetty.server;
    requires org.eclipse.jetty.client;
    requires org.eclipse.jetty.http;
    requires org.eclipse.jetty.io;
    requires org.eclipse.jetty.util;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports org.classchain.http;
}
