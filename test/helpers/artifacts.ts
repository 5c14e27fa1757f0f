/** Test helpers: a detector's save captured as in-memory artifacts, and edits of its document. */
import * as tf from '@tensorflow/tfjs-core';
import type { AnomalyDetector } from '../../src/index';

/** What `detector.save` writes, captured in memory. */
export async function saveToMemory(detector: AnomalyDetector): Promise<tf.io.ModelArtifacts> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await detector.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return artifacts!;
}

/** A copy of `artifacts` whose `userDefinedMetadata.cutpaste` document is changed by `edit`. */
export function editDocument(artifacts: tf.io.ModelArtifacts, edit: (doc: Record<string, unknown>) => void): tf.io.ModelArtifacts {
  const doc = structuredClone((artifacts.userDefinedMetadata as { cutpaste: Record<string, unknown> }).cutpaste);
  edit(doc);
  return { ...artifacts, userDefinedMetadata: { cutpaste: doc } };
}
