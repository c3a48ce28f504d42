/** The ClassChain implementation: everything but networking. */
package org.classchain.core;
