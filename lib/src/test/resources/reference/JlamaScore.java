// Test reference: teacher-forced log-probs of token ids under Jlama (an independent Java Llama
// implementation, com.github.tjake:jlama-core). Run by LmCliParityTest on a JDK >= 21:
//   java --enable-preview --source 25 --add-modules jdk.incubator.vector -cp CP JlamaScore.java DIR ID,ID,...
// prints a JSON array: log p(ids[t+1] | ids[0..t]) for t = 0 .. n-2.
import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.model.ModelSupport;
import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.tensor.AbstractTensor;
import com.github.tjake.jlama.tensor.KvBufferCache;
import java.io.File;
import java.util.Arrays;

public class JlamaScore {
  public static void main(String[] args) throws Exception {
    AbstractModel model = ModelSupport.loadModel(new File(args[0]), DType.F32, DType.F32);
    int[] ids = Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray();
    StringBuilder sb = new StringBuilder("[");
    try (KvBufferCache cache = new KvBufferCache(model)) {
      AbstractTensor out = model.batchForward(ids, 0, cache.getEphemeralKvBuffer());
      for (int t = 0; t + 1 < ids.length; t++) {
        float[] probs = model.getLogits(out.slice(t)); // softmax-normalised by Jlama
        sb.append(t == 0 ? "" : ",").append(Math.log(probs[ids[t + 1]]));
      }
    }
    System.out.println(sb.append("]"));
    System.exit(0);
  }
}
