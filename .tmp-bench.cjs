const tf=require('@tensorflow/tfjs-core');require('@tensorflow/tfjs-backend-cpu');require('@tensorflow/tfjs-backend-wasm');
tf.env().set('IS_TEST',true);
(async()=>{
for (const be of ['cpu','wasm']) { await tf.setBackend(be); await tf.ready();
  const time=async(name,f)=>{ for(let r=0;r<2;r++){const t=performance.now(); const y=f(); await y.data(); y.dispose(); if(r) console.log(be,name,(performance.now()-t).toFixed(1),'ms');}};
  for (const [B,S] of [[32,256],[96,64]]) {
    const x = tf.randomUniform([B,S,S,3]);
    const T=[]; for(let b=0;b<B;b++) T.push([1,0,(b%7)-3,0,1,(b%5)-2,0,0]);
    await time(`transform ${B}x${S}`, ()=>tf.image.transform(x, tf.tensor2d(T), 'nearest','reflect'));
    await time(`transform crop ${B}x${S}->S/2`, ()=>tf.image.transform(x, tf.tensor2d(T), 'nearest','reflect',0,[S/2,S/2]));
    x.dispose();
  }
  const img = tf.randomUniform([256,256,3]);
  const sz=32, st=4, rows=Math.floor((256-sz)/st)+1;
  await time(`extract slices ${rows*rows}`, ()=>tf.tidy(()=>{const ps=[]; for(let r=0;r<rows;r++) for(let c=0;c<rows;c++) ps.push(tf.slice(img,[r*st,c*st,0],[sz,sz,3])); return tf.stack(ps);}));
  await time(`extract gather`, ()=>tf.tidy(()=>{const idx=new Int32Array(rows*rows*sz*sz); let k=0; for(let r=0;r<rows;r++) for(let c=0;c<rows;c++) for(let y=0;y<sz;y++) for(let x=0;x<sz;x++) idx[k++]=(r*st+y)*256+c*st+x; return tf.gather(tf.reshape(img,[-1,3]), tf.tensor1d(idx,'int32'));}));
  await time(`extract gatherND`, ()=>tf.tidy(()=>{const idx=new Int32Array(rows*rows*sz*sz); let k=0; for(let r=0;r<rows;r++) for(let c=0;c<rows;c++) for(let y=0;y<sz;y++) for(let x=0;x<sz;x++) idx[k++]=(r*st+y)*256+c*st+x; return tf.gatherND(tf.reshape(img,[-1,3]), tf.tensor2d(idx,[idx.length,1],'int32'));}));
  await time(`extract transform-strips`, ()=>tf.tidy(()=>{ // per patch-row: strip [sz,256,3] then tile? skip
    return tf.zeros([1]);}));
}})();
