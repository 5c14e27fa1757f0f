// Child process of test/kernels/threadedWasm.kernels.test.ts: makes the threaded wasm backend, runs one
// convolution and prints the result; it must then exit without process.exit.
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { useThreadedWasm } from '../../src/node/threadedWasm';

await useThreadedWasm({ threads: 2 });
await tf.setBackend('wasm');
const y = tf.conv2d(tf.ones([1, 8, 8, 3]) as tf.Tensor4D, tf.ones([3, 3, 3, 2]) as tf.Tensor4D, 1, 'valid');
console.log(`threads ${getThreadsCount()} sum ${(await tf.sum(y).data())[0]}`);
