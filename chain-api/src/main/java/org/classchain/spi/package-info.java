/**
 * What implementers write against: command modules (and the host services they may use) and
 * block stores. The protocol between peers is {@link org.classchain.wire}. Evolves by added
 * default methods only.
 */
package org.classchain.spi;
