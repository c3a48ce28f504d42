/**
 * The REST transport of DESIGN section 7 on embedded Jetty 12: {@link org.classchain.http.JettyTransport}
 * maps every {@link org.classchain.wire.Message} onto a route under {@code /api/v1}, serving and sending.
 */
package org.classchain.http;
