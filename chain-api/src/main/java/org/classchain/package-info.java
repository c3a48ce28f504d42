/**
 * What users of ClassChain handle: blocks, commands, targets, grants, receipts and the read view
 * of a chain. Values are immutable records; none of them depends on anything but the JDK.
 */
package org.classchain;
