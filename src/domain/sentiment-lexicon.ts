/**
 * The market-tone lexicon behind {@link scoreSentiment}: per language, the
 * words and phrases that say an asset or the sector is going up or down, and
 * the words that change what a nearby cue means (negation, intensity, "despite").
 *
 * Values are market tone, not emotion: "rallies" is +2.2 while "optimism" is a
 * weak `tone` cue that only counts when a post has no market cue at all, so an
 * essay full of warnings that reports a rally reads bullish. Most news verbs
 * ("launches", "announces", "unveils") are deliberately absent: they are neutral.
 *
 * Written as a small text format so a reviewer can read and extend it:
 *
 *   `2.2: surg* | soar*`         cues worth +2.2 (market class)
 *   `-0.4 tone: warn*`           a prose cue, heavily damped when market cues exist
 *   `0: hackathon* | pump fun`   neutralizers: consume words that would otherwise match
 *   `neg: not | never`           negators before a cue; `neg-post:` after it (ja, ko, tr)
 *   `neg -1: fail* to`           a negator that scores -1 itself when it negates nothing (`neg -0.6 tone:` as prose)
 *   `int 0.8: record`            an intensifier that scores 0.8 when the field has no other market cue
 *   `int:`, `int-post:`, `soft:`, `hedge:`   intensify, soften or hedge a nearby cue
 *   `despite:`, `despite-post:`  discount the clause they govern ("rebounds despite hack")
 *   `but:`                       discount what came before it in the sentence
 *   `after:`, `after-post:`      discount the clause they govern ("rebounds after hack")
 *   `frame:`                     a headline frame for explainers and lists ("how to", "explained",
 *                                "ranked"): the whole post is background, not news
 *
 * Pattern words are folded like post text (case, accents). `word*` matches word
 * starts (stems of three or more letters), `~` skips up to two words (`~~` four), `#` is a
 * number, `#%` a percentage, `+#%` / `-#%` a signed percentage, `$#` an amount after a
 * currency sign ("$70K", "€1,200"), `{a,b}` expands
 * to alternatives, and a leading `!` keeps a pattern to posts known to be in
 * that language (false friends: Italian "sale" rises, English "sale" sells).
 * Chinese, Japanese and Korean patterns match as character sequences.
 */

/** Languages with their own lexicon. English and language-neutral patterns apply to every post. */
export const SENTIMENT_LANGUAGES = ['en', 'pt', 'it', 'fr', 'id', 'es', 'de', 'zh', 'ko', 'ja', 'ru', 'tr'] as const;
export type SentimentLanguage = (typeof SENTIMENT_LANGUAGES)[number];

/** Patterns that read the same in every language: signed percentages and borrowed market slang. */
export const UNIVERSAL_LEXICON = `
  1.5: +#%
  -1.5: -#%
  2: bullish | bull run
  -2: bearish
  -2: rug pull* | rugpull*
  -1.2: fud
  2: ath
`;

export const LEXICONS: Record<SentimentLanguage, string> = {
  en: `
  // Price action, strongest first.
  2.5: skyrocket* | to the moon | moons | mooning | parabolic | explodes | exploded
  2.2: surg* | soar* | rall* | rocket* | spikes | spiked | spike
  2: rebound* | bull market | breakout* | breaks out | break out | all time high* | record high* | bounce* back | doubl* | tripl* | short squeeze*
  2: new high* | fresh high* | highest since | highest level* | week high* | month high* | year high* | multi year high*
  1.5: jump* | leap* | reclaim* | outperform* | break* above | pump | pumps | pumped | pumping | tops | surpass* | overtak* | up #% | heat* up
  1.3: climb* | gain* | rise | rises | rising | rose | risen | recover* | regain* | bounce* | higher | advances | advancing | boom*
  1: beats | beat expectations | rate cut* | risk on | tailwind* | replenish* | restor* | bulls | resum*
  1.2: {hit*,reach*,cross*,break*,top,tops,past,above} $# | outpac* | outshin* | altcoin season | {short,shorts} ~ liquidat* | short liquidations
  1.2: exceed* | boost* | pops | popped | popping
  1.5: pardon* | acquit* | cleared of | exonerat*
  -1.2: {hit*,slapped,faces,facing} with ~ {fine,fines,penalty} | $# {fine,penalty} | $# {million,billion} {fine,penalty}
  // A rising count of bad things is bad: "outflows spike", "liquidations surge".
  -1.8: {outflow*,liquidat*,loss*,losses,hack*,exploit*,sell* pressure,selling,redemption*} ~~ {spike*,surg*,soar*,jump*,rise*,rising,rose,climb*,mount*,swell*,balloon*,top,tops,double*}
  // Coins leaving exchanges are held, not sold.
  1.5: exchange {balance*,reserve*} ~ {fall*,drop*,declin*,plung*,shrink*,sink*,slide*} | exchange {balance*,reserve*} ~ {hit*,reach*} ~ low*
  -1.3: {give*,gave,erase*,pare*,trim*,wipe*,cost*} ~ gains
  -1.2: {ends,ended,closes,closed,finishes,finished,trades,traded} down | {cut*,lower*,slash*,trim*} ~ {price target*,target*,forecast*} | {price target*,forecast*} ~ {cut,lowered,slashed,trimmed}
  1.2: {ends,ended,closes,closed,finishes,finished,trades,traded} up | {rais*,lift*,boost*,hike*} ~ {price target*,forecast*} | {price target*,forecast*} ~ {raised,lifted,boosted,hiked}
  0: drop* the ball
  -1.5: {end,ends,over} of ~~ {bull run,rally,bull market,uptrend,boom} | {bull run,rally,bull market,uptrend} ~ {over,ends,ended}
  -1.5: {rally,rallies,gains,momentum,rebound,recovery} {fade*,stall*,cool*,evaporat*,falter*,run* out} | los* steam
  0: drainer*
  1.5: back above $# | break* ~ resistance | {hit*,set*,sets,notch*} ~ record* | {strategic,national} ~ {bitcoin,crypto} reserve*
  1.8: {overturn*,lift*,lifts,end,ends,ended,remov*,drop*} ~ {sanction*,ban,bans}
  1: emerge* from ~ bankruptcy | exit* ~ bankruptcy | {secure*,wins,win,gets,granted,obtain*,receiv*,award*} ~ licen* | frenzy
  -0.8: {below,under} $# | faces resistance | reject* at ~ resistance
  -1.5: {revok*,suspend*,lose*,lost} ~ licen* | licen* ~ {revoked,suspended} | long* ~ liquidat* | break* below | break* down
  -1.3: charges | seiz* | confiscat*
  0: charges ~ {fee,fees}
  -2: {hit*,set*,sets,notch*} ~ record low*
  1.5: {buyers,bulls} ~ {regain*,take,took,seize*,retake*} control
  -1.5: {sellers,bears} ~ {regain*,take,took,seize*,retake*} control
  -1: bears | sellers | profit taking
  -2.5: crash* | plung* | plummet* | collaps* | nosediv* | nose div* | freefall* | free fall* | bloodbath | meltdown* | implod*
  -2: capitulat* | tumbl* | tank | tanks | tanked | tanking | slump* | dump* | record low* | bear market
  -2: lowest since | lowest level* | week low* | month low* | year low* | multi year low* | new low* | fresh low*
  -1.8: bleed* | sell off* | selloff* | sinks | sink | sank | sinking | wipe* | wiped out | erase* | panic*
  -1.5: down #% | underperform* | shed* | fall* | fell | drop* | risk off | falls short | fall short | fell short
  -1.3: declin* | slide | slides | slid | sliding | loses | lose | losing | lost | loss | losses | outflow* | liquidat* | sell* pressure | weigh* on
  -1: slip* | retreat* | retrac* | pullback* | pull* back | correction | lower | dip | dips | dipped | dipping | fade* | fading | disappoint* | headwind* | stall*
  -0.8: sells | selling | sell | sold | lags | lagging | misses | missed | miss estimates
  // Market events.
  1.6: approv* | greenlight* | green light* | green lights | unban* | lift* ~ ban | lifts ban
  1.5: lists | to list | will list | listing | buyback* | buy back* | inflow*
  2: {drop*,dismiss*,withdraw*,clos*,end,ends,ended,toss*,scrap*,abandon*} ~ {lawsuit*,case,cases,charges,suit,probe,probes,investigation*,class action*,complaint*}
  2: {lawsuit*,case,charges,suit,probe,investigation*,class action*,complaint*} ~ {dropped,dismissed,withdrawn,closed,ended,tossed,thrown out}
  -1.5: {withdraw*,pull*,pulls} ~ {filing*,application*,bid} | {filing*,application*} ~ withdrawn
  1.5: dismiss* | wins | win | victory | legaliz*
  1.2: listed on | accumulat* | institutional demand
  1: buys | bought | buying | adds ~ bitcoin | adds ~ btc | adds ~ eth | purchase*
  0.8: raise* | funding round | secure* ~ {funding,investment,backing,financing} | adopt* | settles | settled
  0.5: burns | token burn* | invests | invest* in | demand
  -2.5: insolven* | bankrupt* | chapter 11 | exit scam* | depeg* | de peg* | lose* ~ peg
  -2: hack | hacks | hacked | hacker* | hacking | exploit* | breach* | drain* | stolen | steal* | stole | theft* | thief | thieves | heist*
  -2: scam* | fraud* | ponzi | rugged | delist* | indict* | arrest* | vanish* | disappear* | hacker attack* | exploit attack*
  -1.6: attack* | compromis* | halt* | suspend* | ban | bans | banned | banning | crackdown* | crack* down | reject* | detain* | shut* down | shutter*
  -1.5: lawsuit* | sue | sues | sued | suing | charged | charges against | phish* | wash trad* | launder* | convict* | guilty | jailed | sentenced | contagion
  -1.3: manipulat* | spoof* | outage* | freez* | froze | frozen | accus* | class action | insider trad* | suffer* | hit by | turmoil
  -1.2: vulnerab* | downtime | crisis | sanction* | fined | downgrad* | layoff* | lays off | wind* down | hurt* | default*
  -1.1: probe | probes | probed | probing | investigat* | subpoena* | penalt* | allegation* | alleged* | fines
  -1: flaw* | glitch* | struggl* | dilut* | plague* | flee | flees | fleeing | fled | appeal* | tough | goes short | going short | went short
  -0.9: delay* | postpon* | paus* | extend* ~ review
  -0.8: bug | bugs | unlock* | slow* ~ {growth,demand}
  // Prose tone: counts only when nothing market-related is said.
  0.6 tone: optimis* | thriv* | confiden* | momentum | mania | euphori* | greed
  0.5 tone: strong* | robust | success* | milestone* | partner* | growth | grow | grows | growing | breakthrough* | hype
  0.3 tone: integrat* | expand* | airdrop* | innovat*
  -0.6 tone: fear* | worr* | weak* | uncertain* | doubt* | raise* ~ {concern*,questions,doubts,fears,alarm*} | brutal | gloom* | bubble
  -0.4 tone: warn* | concern* | threat* | danger* | risk | risks | risky | pressure | volatil* | monopol* | censor* | critici* | skeptic*
  // Words that would otherwise match a cue above.
  0: hackathon* | bug bount* | pump fun | pumpfun | rocket pool | jump trading | jump crypto | think tank | slippage | the rise of | rise of
  0: revoke* approvals | token approval* | to lower | lower fees | lower costs | lower cost | higher fees | settlement | list of | waiting list
  0: attack vector* | attack surface | fall back | falls back | fallback | gains network | airdrop* | raise the bar | risk management
  0: listing {policy,policies,rules,standards,process,requirements,fee,fees,criteria,framework} | token listings
  neg: not | no | never | without | nor | no longer | cannot | isn t | aren t | wasn t | weren t | don t | doesn t | didn t | won t
  neg: can t | couldn t | hasn t | haven t | hadn t | shouldn t | wouldn t | yet to | none
  neg -1: fail* to | unable to | struggl* to
  neg -0.6 tone: fail* | failure*
  neg -1.2: denies | denied | deny | rules out | ruled out
  neg -0.6: lack* | absent
  neg -0.8: unlikely
  int: very | sharp | sharply | steep* | massive* | huge | biggest | largest | major | heavy | heavily | significant* | big | strongly
  int 0.8: record
  int: extend* | further | deep* | double digit | hard | sizable | sizeable | dramatic* | wild* | never been this | never been more
  soft: slightly | slight | modest* | marginal* | mild* | edge* | partial* | partly | somewhat | minor | small | little
  hedge: could | may | might | would | predict* | expect* | forecast* | likely | poised to | set to | eyes | eye | targets | if | whether | odds
  despite: despite | in spite of | even as | even though | although | though | regardless of | shrug* off | shak* off | brush* off | ignor*
  but: but | however | yet
  after: after | following | amid | amidst | in wake of | in the wake of
  frame: how to | what is | what are | explained | explainer | guide to | a guide | beginner* | ranked | history of | in crypto history | lessons from | tips | faq
  `,

  pt: `
  2.2: dispar* | explod*
  2: maxima* historica* | renova* maxima* | dobra | dobrou | salta | saltou | salto
  1.6: valoriz*
  1.3: sobe | sobem | subiu | subiram | subida* | alta | altas | avanca* | avancou | recupera* | ganha | ganhou | ganhos | reage
  1.2: supera* | superou | ultrapass* | rompe* | rompeu | entrada de
  -2: tomba | tombo | tombou
  -1.2: falha | falhas | pane | instabilidade
  1: recorde
  1.6: aprova* | aprovad* | aprovacao | sinal verde
  1.3: listagem | entradas | desiste* ~ processo | arquiva* ~ processo
  2: {desiste*,retira*,encerra*,arquiva*} ~ {processo,acao,caso} | {processo,acao,caso} ~ {arquivad*,encerrad*,retirad*}
  0.5: compra | compras | otimis*
  -2.5: despenc* | desab* | derret* | falencia
  -2: afund* | ataque hacker | hacker* | invasao | invadid* | roubo* | roubad* | golpe* | fraude* | piramide* | rombo
  -1.6: desvaloriz* | ataque* | proibe | proibi* | rejeita* | rejeicao | suspende* | congela*
  -1.5: queda* | cai | caem | caiu | cairam | processa | processad* | acao judicial | prejuizo*
  -1.3: recua* | recuou | recuo | perde | perdem | perdeu | perdas | minima* | liquidac* | saidas | pressao vendedora
  -0.9: adia* | adiad*
  -0.7: venda* | desbloqueio*
  -0.5 tone: pessimis* | medo | receio*
  0: processo | caso
  neg: nao | nem | sem | nunca | jamais | deixa de | deixou de
  int: forte | fortemente | muito | enorme | maior | em massa | expressiv*
  soft: leve | levemente | ligeir* | modest*
  despite: apesar | mesmo com | embora
  but: mas | porem | contudo | entretanto
  after: apos | depois | em meio
  `,

  it: `
  2.2: impenn* | !vola | volano | schizza* | decolla*
  2: massimo storico | massimi storici | nuovo massimo | nuovi massimi | nuovo record
  1.8: balz* | rimbalz*
  1.3: rialz* | !sale | salgono | salito | salita | guadagn* | recupera* | cresce | crescono | massimi
  1.2: supera* | sfonda*
  -2.2: picchiata | in picchiata
  -1.5: bruciat* | brucia
  1.3: corre | corrono
  -1.2: blackout | disservizio | guasto
  1: record
  1.6: approva* | approvazione | via libera
  1.3: afflussi
  2: {ritira*,archivia*} ~ causa | causa ~ {archiviata,ritirata}
  0.5: acquist*
  -2.5: crolla* | crollo | precipita* | tonfo | fallimento
  -2: affonda* | attacco hacker | hacker | furto | rubat* | truffa* | frode* | schema ponzi
  -1.6: attacc* | vieta* | divieto | respint* | respinge* | sospende* | congela*
  -1.3: scende | scendono | sceso | scesa | discesa | cala | calano | calo | ribass* | perde | perdono | perso | perdite | minimi | deflussi | liquidazion* | pesano | pesa
  -1.2: denuncia*
  -0.9: rinvi*
  -0.7: vendite
  neg: !non | senza | mai | !ne
  int: forte | fortemente | molto | pesante | netto | enorme
  soft: lieve | leggero | leggera | leggermente
  despite: nonostante | malgrado
  but: !ma | pero | tuttavia
  after: dopo | in seguito
  `,

  fr: `
  2.2: envol* | flamb* | s envole
  2: sommet historique | plus haut historique | nouveau record | nouveau sommet
  1.8: !bondit | !bond | rebond* | haussier*
  1.3: hausse | grimpe* | grimpent | progresse* | redress* | remonte* | sommet* | afflux
  1.2: depasse* | franchit
  -1.5: poursuit ~ justice | poursuivi* ~ justice | assigne* ~ justice
  1: record | entrees
  1.6: approuve* | approbation | feu vert
  2: abandon* ~ poursuite* | abandon* ~ plainte*
  -2.5: effondr* | s effondre | faillite
  -2.3: degringol*
  -2.2: plonge*
  -2: piratage | pirate* | !vole | !voles | derobe* | arnaque* | escroquerie* | fraude* | vol de fonds
  -1.8: chute* | baissier*
  -1.6: attaque* | interdi* | rejet* | rejette* | suspend*
  -1.3: baisse | baisses | recul* | perd | perdent | perte* | plus bas | plainte* | poursuite* | sorties | faille*
  -1.2: panne | pannes
  -0.9: !reporte | !report
  -0.7: ventes
  neg: ne | n | sans | jamais | aucun* | ni
  neg-post: pas
  int: fort | forte | fortement | massive* | massif* | tres | nette | net
  soft: legere* | legerement | leger
  despite: malgre | en depit | bien que
  but: !mais | cependant | toutefois
  after: apres | suite a | sur fond
  `,

  id: `
  2.5: meroket | terjun bebas
  2.2: naik tajam
  2: melonjak | lonjakan | melesat | reli | rekor tertinggi
  1.3: naik | kenaikan | menguat | penguatan | pulih | pemulihan | bangkit | tertinggi
  1.3: tembus | menembus | melampaui
  -1.2: terendah
  1: rekor
  1.6: disetujui | persetujuan | setuju* | menyetujui
  1.3: arus masuk
  2: {cabut*,mencabut} gugatan | gugatan ~ dicabut
  0.5: beli | membeli
  -2.5: anjlok | ambruk | ambles | bangkrut | turun tajam
  -2: merosot | diretas | peretasan | peretas | meretas | retas | dicuri | pencurian | eksploitasi | penipuan | penipu | curi | mencuri
  -1.6: serangan | dilarang | larangan | ditolak | menolak | tolak
  -1.5: jatuh | gugatan | digugat | menggugat | aksi jual
  -1.3: turun | penurunan | melemah | pelemahan | likuidasi | arus keluar | rugikan | merugikan | kerugian | rugi
  -1.2: gangguan
  -1: koreksi
  -0.9: ditunda | tunda
  -0.7: pembukaan token | jual
  neg: tidak | tak | belum | bukan | tanpa
  neg -1: gagal
  int: sangat | besar besaran
  int-post: tajam | signifikan | drastis
  soft: sedikit | tipis
  despite: meski | meskipun | walaupun | walau | kendati
  but: tapi | tetapi | namun
  after: setelah | usai | pasca | menyusul | di tengah
  `,

  es: `
  2.2: dispar* | se dispara
  2: maximo historico | maximos historicos | nuevo maximo | nuevos maximos | alcista*
  1.8: rebot* | repunt* | duplica*
  1.3: sube | suben | subio | subieron | subida* | subir | alza | alzas | al alza | recupera* | gana | ganan | gano | ganancia* | avanza* | avance
  1.2: supera* | supero | rompe*
  1.6: aprueba* | aprobacion | aprobado* | luz verde
  1: entradas
  2: {retira*,desiste*,cierra*,archiva*} ~ {demanda,caso,causa} | {demanda,caso,causa} ~ {desestimad*,archivad*,retirad*} | desestima*
  -2.5: desplom* | quiebra
  -2.2: se hunde | hunde*
  -2: hackeo | robo | robad* | estafa* | fraude* | desaparec* | bajista*
  -1.6: ataque* | prohib* | rechaz* | suspende*
  -1.5: cae | caen | cayo | cayeron | caida* | demanda judicial | demanda a | demandad*
  -1.3: baja | a la baja | bajada | retroced* | pierde | pierden | perdio | perdida* | minimo* | liquidacion* | salidas
  -0.9: retras* | aplaz*
  -0.7: ventas
  0: demanda
  neg: no | sin | nunca | ni | jamas
  int: fuerte | fuertemente | muy | enorme | masiv*
  soft: ligera* | ligero | leve*
  despite: pese | a pesar | aunque
  but: pero | sin embargo
  after: tras | despues | en medio
  `,

  de: `
  2.2: schießt | rallye | rekordhoch | allzeithoch
  1.8: springt | sprung* | kurssprung* | hebt ab | erhol*
  1.3: steig* | gestiegen | anstieg* | zugelegt | legt zu | gewinn* | haussiert
  1.5: knackt | geknackt | durchbricht | durchbrochen
  1.8: jahreshoch | mehrjahreshoch | monatshoch
  -1.8: jahrestief | mehrjahrestief | monatstief
  1.3: klettert | geklettert
  -1.2: ausfall* | netzwerkausfall* | storung
  1.2: uberschreitet | ubersteigt | uberspringt | # prozent zu | #% zu
  -1.3: rutscht* | gerutscht
  -1.2: gewinnmitnahme*
  1: rekord*
  1.6: genehmig* | zulassung | zugelassen | grunes licht | gebilligt
  1.3: zuflusse | zufluss*
  2: {zieht,ziehen} ~ klage | klage* ~ {zuruckgezogen,abgewiesen,eingestellt} | klage fallen gelassen | verfahren eingestellt
  2: bullisch
  -2.5: absturz* | sturzt* | abgesturzt | insolvenz* | pleite
  -2: bricht ein | brechen ein | einbruch* | hackerangriff* | gestohlen | diebstahl | betrug*
  -2: barisch
  -1.6: angriff* | verbot* | verbiet* | abgelehnt | ablehnung | lehnt ~ ab | gesperrt | gestoppt
  -1.5: tiefst* | klage | klagen | verklagt
  -1.3: gefallen | verlier* | verlust* | verloren | abflusse | abfluss*
  -0.9: verschoben | verschiebt
  -0.7: verkauf*
  0: fall | falle
  neg: nicht | kein* | ohne | nie | niemals
  int: stark | massiv* | deutlich | sehr | heftig
  int-post: kraftig | deutlich | stark
  soft: leicht | etwas | moderat
  despite: trotz | obwohl
  but: aber | jedoch
  after: nach | inmitten
  `,

  zh: `
  2.5: 暴涨 | 暴漲 | 闪崩 | 閃崩
  2.2: 飙升 | 飆升 | 大涨 | 大漲 | 历史新高 | 歷史新高
  2: 反弹 | 反彈 | 新高 | 创新高 | 創新高 | 看涨 | 看漲
  1.5: 领涨 | 領漲 | 拉盘 | 拉盤 | 利好 | 牛市 | 回购 | 回購 | 上币
  1.3: 上涨 | 上漲 | 走高 | 走强 | 走強 | 回升 | 涨 | 漲 | 净流入 | 淨流入 | 流入
  1.2: 突破 | 增持
  1.6: 批准 | 获批 | 獲批 | 核准
  2: 撤诉 | 撤訴 | 撤销诉讼 | 撤銷訴訟 | 撤回诉讼 | 撤回訴訟 | 驳回诉讼 | 駁回訴訟
  0.7: 买入 | 買入 | 上线 | 上線
  -2.5: 暴跌 | 崩盘 | 崩盤 | 跑路 | 破产 | 破產
  -2.2: 跳水 | 大跌 | 暴雷 | 砸盘 | 砸盤
  -2: 黑客 | 駭客 | 被盗 | 被盜 | 盗取 | 盜取 | 诈骗 | 詐騙 | 骗局 | 騙局 | 庞氏 | 龐氏 | 下架 | 逮捕 | 看跌
  -1.6: 攻击 | 攻擊 | 拒绝 | 拒絕 | 驳回 | 駁回 | 禁止 | 禁令 | 打击 | 打擊
  -1.8: 拒绝批准 | 拒絕批准 | 不予批准 | 驳回申请 | 駁回申請
  -1.5: 跌破 | 下跌 | 领跌 | 領跌 | 熊市 | 利空 | 起诉 | 起訴 | 诉讼 | 訴訟 | 爆仓 | 爆倉 | 抛售 | 拋售
  -1.3: 非法 | 跌 | 走低 | 走弱 | 下滑 | 清算 | 漏洞 | 净流出 | 淨流出 | 流出 | 损失 | 損失 | 罚款 | 罰款
  -1.1: 回落 | 回调 | 回調 | 调查 | 調查 | 减持 | 減持
  -0.9: 推迟 | 推遲 | 延迟 | 延遲 | 暂停 | 暫停
  -1.3: 宕机 | 宕機 | 故障
  -0.7: 解锁 | 解鎖
  0: 不仅 | 不僅 | 不到 | 无论 | 無論 | 最后 | 最後 | 后市 | 後市 | 涨跌 | 漲跌
  neg: 未 | 没有 | 沒有 | 没 | 沒 | 不 | 无 | 無 | 非
  neg -1: 未能 | 无法 | 無法
  int: 大幅 | 不断 | 不斷 | 非常 | 持续 | 持續 | 全面 | 大规模 | 大規模 | 巨额 | 巨額 | 创纪录 | 創紀錄 | 再度
  soft: 小幅 | 略 | 微
  despite: 尽管 | 儘管 | 虽然 | 雖然 | 即使
  but: 但 | 但是 | 却 | 卻 | 然而
  after-post: 后 | 後 | 之后 | 之後
  `,

  ko: `
  2.5: 폭등
  2.2: 급등 | 사상 최고 | 최고가 | 신고가
  2: 반등 | 소송 취하 | 소송 기각
  1.5: 강세 | 호재
  1.3: 상승 | 회복 | 상장 | 순유입 | 유입 | 돌파
  1.6: 승인
  1: 취하
  0.6: 매수
  -2.5: 폭락 | 먹튀 | 파산 | 상장폐지 | 상폐
  -2.2: 급락
  -2: 해킹 | 해커 | 탈취 | 도난 | 사기 | 체포
  -1.6: 공격 | 거부 | 거절 | 금지 | 미승인
  -1.8: 승인 {거부,거절,불허,반려} | 승인을 {거부,거절} | 승인 신청 {거부,반려}
  -1.5: 약세 | 악재 | 하락 | 소송 | 기소
  -1.3: 청산 | 유출 | 순유출 | 손실 | 취약점 | 기각
  -1.1: 조사 | 수사
  -0.9: 연기
  -1.2: 장애 | 중단
  -0.8: 매도
  neg-post: 않 | 못
  neg-post -1: 불발 | 무산
  int: 대폭 | 대규모 | 크게 | 폭발적
  soft: 소폭 | 약간
  despite-post: 불구
  but: 하지만 | 그러나 | 지만
  after-post: 후 | 이후 | 뒤
  `,

  ja: `
  2.5: 暴騰
  2.2: 急騰 | 過去最高 | 最高値 | 高騰
  2: 反発 | 反騰 | 訴訟取り下げ | 訴えを取り下げ | 訴訟を取り下げ
  1.5: 続伸 | 強気 | 上場
  1.3: 上昇 | 回復 | 値上がり | 高値 | 流入 | 買いが集ま
  1.3: 突破 | 超え | 上回
  1.5: #% 高 | 年初来高値
  -1.5: #% 安 | 年初来安値
  1: けん引 | 牽引
  -1.2: 障害 | 停止
  1.6: 承認 | 可決
  0.7: 買い
  -2.5: 暴落 | 破綻 | 破産 | 上場廃止
  -2.2: 急落 | 不正流出
  -2: ハッキング被害 | ハッキング | ハッカー | 盗難 | 盗ま | 詐欺 | 逮捕
  -1.6: 攻撃 | 却下 | 否決 | 拒否 | 禁止
  -1.8: 承認を拒否 | 承認拒否 | 承認を却下 | 申請を却下 | 不承認
  -1.5: 続落 | 弱気 | 下落 | 訴訟 | 提訴 | 値下がり
  -1.3: 反落 | 安値 | 清算 | 流出 | 脆弱性 | 損失
  -1.1: 調査
  -1: 下げ | 被害
  -0.9: 延期
  -0.8: 売り | 売却
  neg: 未 | 不 | 非
  neg-post: ず | ない | なかった | ません | せず
  neg-post -1: 見送
  int: 大幅 | 大規模 | 記録的 | 過去最大
  soft: 小幅 | やや
  despite-post: にもかかわらず | にも関わらず | ものの
  but: しかし | だが
  after-post: 後 | 受け
  `,

  ru: `
  2.2: взлетел* | взлет* | исторический максимум | исторического максимума | ралли
  1.8: подскочил* | отскоч* | отскок*
  1.5: подорожал* | дорожает | дорожают
  1.3: вырос* | раст* | рост | роста | укрепил* | прибавил* | восстанов* | максимум*
  1.3: превысил* | превзошел* | преодолел* | пробил*
  1: рекорд*
  1.6: одобр*
  1.3: листинг* | приток*
  2: {отозвал*,отказал*} ~ {иск,иска} | прекратил* ~ {дело,преследование,расследование}
  1.5: бычий | бычьи | бычье
  -2.5: обвал* | рухнул* | обрушил* | банкрот*
  -2: взлом* | хакер* | эксплойт* | похитил* | похищ* | украл* | краж* | мошенни* | скам | делистинг* | арест*
  -1.6: атак* | отклонил* | отклонен* | запрет*
  -1.5: упал* | упад* | падени* | пада* | подешевел* | медвеж* | распродаж* | иск | иска | иском | иску
  -1.3: снизил* | снижени* | дешевеет | потерял* | потер* | минимум* | ликвидац* | отток*
  -1.2: штраф* | санкци* | отказ*
  -1.1: расследовани*
  -0.9: отложил* | отсроч*
  -1.2: сбой | сбоя | сбои | сбоев
  -0.7: разблокировк*
  neg: не | нет | без | ни
  int: резко | резкий | резкое | резкого | сильно | массов* | крупн* | рекордн*
  soft: немного | слегка | незначительно
  despite: несмотря | вопреки
  but: но | однако
  after: после | на фоне
  `,

  tr: `
  2.2: fırla* | sıcra* | ralli* | rekor kır*
  2: toparlan* | dava* dusur* | zirve*
  1.5: deger kazan* | yukselise gec*
  1.3: yuksel* | artıs* | arttı | astı | kazanc*
  1: rekor*
  1.6: onay* | onaylandı
  1.3: listele*
  1.5: boga
  0.6: alım
  -2.5: coktu | cokus* | coker* | iflas*
  -2: hack saldırı* | calındı | calınan | dolandırıcı* | sahtekar* | vurgun | listeden cıkar*
  -1.6: saldırı* | yasak* | reddet* | reddedil* | onaylanmad* | onaylanmayacak
  -1.5: dustu | dusus* | duser* | dusuyor | dusmus | deger kaybet* | dava* | ayı piyasası
  -1.3: gerile* | kaybet* | kayıp* | erid* | tasfiye* | likidasyon* | satıs baskısı
  -1.1: sorusturma*
  -0.9: ertele*
  -1.2: kesinti*
  -0.8: satıs*
  neg-post: degil | yok
  int: sert | buyuk | keskin | cok
  soft: hafif | sınırlı
  despite-post: ragmen | karsın
  but: ama | fakat | ancak
  after-post: sonra | ardından
  `,
};
