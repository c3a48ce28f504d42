/**
 * What implementers write against: command modules, transports and block stores, and the
 * messages a transport carries between peers. Evolves by added default methods only.
 */
package org.classchain.spi;
