/** An in-memory network of transports with switches for delay, loss, duplication and partitions: protocol tests and simulations of many peers. */
package org.classchain.core.net;
